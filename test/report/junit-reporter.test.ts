import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { withBudget } from '../../sim/report/budget.js';
import { JunitReporter } from '../../sim/report/junit-reporter.js';
import type { RunReport } from '../../sim/vocabulary/report-model.js';
import { tempDir } from '../helpers/temp-dir.js';
import { fixtureReport, hasXmllint, junitXsd, xmllint } from './helpers.js';

/** The fixture plus a harness error, as the engine reports one. */
function withHarnessError(): RunReport {
  const r = fixtureReport();
  const base = r.scenarios[1]!;
  r.scenarios.push(
    withBudget({
      ...base,
      name: 'platform-broke & <friends>',
      status: 'error',
      passed: false,
      classification: 'harness-error',
      reason: 'harness error: router did not start',
      observed: {
        outcome: 'none',
        reason: 'router did not start',
        failedRequests: 0,
        wrongVerdicts: 0,
        lostSubmissions: 0,
      },
      expectations: [],
      faults: [],
      error: { message: 'router did not start', hint: 'see the router log' },
    }),
  );
  r.summary = { ...r.summary, total: 4, errors: 1 };
  return r;
}

async function write(report: RunReport): Promise<{ file: string; text: string }> {
  const dir = tempDir('rehearsal-junit-');
  const [file] = await new JunitReporter().write(report, dir);
  return { file: file!, text: readFileSync(file!, 'utf8') };
}

describe('JunitReporter', () => {
  it('writes one testcase per scenario: a failed expectation is a failure, a harness problem an error', async () => {
    const { text } = await write(withHarnessError());
    expect(text.match(/<testcase /g)).toHaveLength(4);
    expect(text).toMatch(
      /<failure message="detectWithin: expected &lt;= 1.0s, got 2.2s; maxFailedRequests: expected &lt;= 0, got 2" type="caught">/,
    );
    expect(text).toContain('FAIL detectWithin: expected &lt;= 1.0s, got 2.2s');
    expect(text).toMatch(
      /<error message="router did not start" type="harness-error">see the router log<\/error>/,
    );
    expect(text).toContain('name="platform-broke &amp; &lt;friends&gt;"');
    expect(text).toContain('<testsuites name="rehearsal (local)" tests="4" failures="1" errors="1"');
  });

  it('puts the key figures in properties', async () => {
    const { text } = await write(fixtureReport());
    expect(text).toMatch(/<property name="timeToDetectMs" value="\d+"\/>/);
    expect(text).toMatch(/<property name="budgetBurned" value="[\d.]+"\/>/);
    expect(text).toMatch(/<property name="failed.before-decision" value="\d+"\/>/);
    expect(text).toContain('<property name="fault.0" value="http-errors on v2: verified');
  });

  it.skipIf(!hasXmllint)('is valid against the JUnit XSD (xmllint)', async () => {
    const { file } = await write(withHarnessError());
    const r = xmllint(file, junitXsd);
    expect(r.output).toContain('validates');
    expect(r.status).toBe(0);
  });
  if (!hasXmllint) it.skip('JUnit XSD validation skipped: needs xmllint', () => {});
});
