import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { interruptedReport } from '../../sim/engine/scenario-report.js';
import { compareReports } from '../../sim/report/compare.js';
import { renderHtml } from '../../sim/report/html-reporter.js';
import { JunitReporter } from '../../sim/report/junit-reporter.js';
import { renderMarkdown } from '../../sim/report/markdown-reporter.js';
import { palette, scenarioLine, summaryTable } from '../../sim/report/terminal.js';
import type { RunReport } from '../../sim/vocabulary/report-model.js';
import { tempDir } from '../helpers/temp-dir.js';
import { fixtureReport, hasXmllint, junitXsd, schemaErrors, xmllint } from './helpers.js';

/** The fixture with its first scenario stopped by Ctrl-C 12.3 s into traffic, as the engine reports it. */
function interruptedRun(): RunReport {
  const r = fixtureReport();
  const first = r.scenarios[0]!;
  r.scenarios[0] = interruptedReport(
    { ...first, traffic: { ...first.traffic, notSent: 180, planned: 466, distorted: true, distortion: 'x' } },
    'interrupted by SIGINT',
    { phase: 'traffic', atMs: 12_345 },
  );
  r.interrupted = true;
  r.interruptedBy = 'interrupted by SIGINT';
  const count = (s: string) => r.scenarios.filter((x) => x.status === s).length;
  r.summary = {
    total: r.scenarios.length,
    passed: count('passed'),
    failed: count('failure'),
    errors: count('error'),
    interrupted: count('interrupted'),
  };
  return r;
}

const reason = 'interrupted by SIGINT at t=12.3 s (180 of 466 planned requests not sent); not judged';

describe('an interrupted scenario, as every reader shows it', () => {
  it('is its own status in report.json, valid against the schema, with no distortion blamed on the generator', () => {
    const r = interruptedRun();
    const s = r.scenarios[0]!;
    expect(s.status).toBe('interrupted');
    expect(s.reason).toBe(reason);
    expect(s.traffic.distorted).toBe(false);
    expect(s.measuredUnderDistortion).toBeUndefined();
    expect(schemaErrors(r)).toEqual([]);
  });

  it('is an <error type="interrupted"> in JUnit, saying by what and when, and valid against the XSD', async () => {
    const dir = tempDir('rehearsal-junit-int-');
    const [file] = await new JunitReporter().write(interruptedRun(), dir);
    const text = readFileSync(file!, 'utf8');
    const suite = text.slice(0, text.indexOf('</testsuite>'));
    expect(suite).toContain(`<error message="${reason}" type="interrupted">`);
    expect(suite).not.toContain('<failure');
    expect(suite).not.toContain('fell behind');
    expect(suite).toMatch(/<testsuite name="[^"]+" tests="1" failures="0" errors="1"/);
    expect(text).toMatch(/<testsuites [^>]*errors="1"/);
    if (hasXmllint) expect(xmllint(file!, junitXsd).status).toBe(0);
  });

  it('reads as INTERRUPTED in the terminal line and table, and is counted apart', () => {
    const r = interruptedRun();
    const p = palette(false);
    expect(scenarioLine(r.scenarios[0]!, p)).toMatch(
      /^INTERRUPTED .*\n {5}interrupted by SIGINT at t=12\.3 s/,
    );
    const table = summaryTable(r, p);
    expect(table).toMatch(/interrupted\s+inconclusive/);
    expect(table).toContain('1 interrupted');
  });

  it('has its own mark in summary.md and index.html', () => {
    const r = interruptedRun();
    const md = renderMarkdown(r);
    expect(md).toContain('1 interrupted');
    expect(md).toContain('⏹️');
    expect(md).toContain(reason);
    const html = renderHtml(r);
    expect(html).toContain('<span class="badge interrupted">INTERRUPTED</span>');
    expect(html).toContain('1 interrupted');
  });

  it('`report --compare`: an interrupted new run cannot vouch (worse); an interrupted old one is no baseline', () => {
    const done = fixtureReport();
    const cut = interruptedRun();
    const name = cut.scenarios[0]!.name;
    const worse = compareReports(done, cut).filter((c) => c.scenario === name);
    expect(worse).toEqual([
      { scenario: name, kind: 'interrupted', worse: true, message: `not finished in the new run: ${reason}` },
    ]);
    const back = compareReports(cut, done).filter((c) => c.scenario === name);
    expect(back).toHaveLength(1);
    expect(back[0]!.kind).toBe('interrupted');
    expect(back[0]!.worse).toBe(done.scenarios[0]!.status !== 'passed');
  });
});
