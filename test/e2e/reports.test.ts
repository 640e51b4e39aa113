import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RunReport } from '../../sim/vocabulary/report-model.js';
import { tempDir } from '../helpers/temp-dir.js';
import {
  cli,
  ensureBuilt,
  hasXmllint,
  junitXsd,
  root,
  schemaErrors,
  undocumented,
  xmllint,
} from '../report/helpers.js';

/** One real run of `rehearse run` on a 15 s copy of the error-spike scenario; every format is checked from it. */
describe('rehearse run writes every report format (live, ~20 s)', () => {
  let dir: string;
  let stdout: string;
  let status: number | null;

  beforeAll(() => {
    ensureBuilt();
    const work = tempDir('rehearsal-e2e-reports-');
    const yaml = `${readFileSync(join(root, 'scenarios/canary-error-spike.yaml'), 'utf8').replace(
      /duration: 30s/,
      'duration: 15s',
    )}\nslo: 0.99\n`;
    writeFileSync(join(work, 'spike.yaml'), yaml);
    const r = cli(['run', join(work, 'spike.yaml'), '--reports', join(work, 'reports')], {
      CI: 'true',
      NO_COLOR: '1',
    });
    stdout = r.stdout;
    status = r.status;
    const runs = readdirSync(join(work, 'reports'));
    expect(runs).toHaveLength(1);
    dir = join(work, 'reports', runs[0]!);
  }, 120_000);

  it('prints plain progress lines and a final table in CI, without colour', () => {
    expect(stdout).toMatch(/^\s+\d+\.\ds progress\s+canary-error-spike: \w/m);
    expect(stdout).toMatch(
      /^scenario\s+result\s+class\s+outcome\s+detect\s+rollback\s+failed\s+lost\s+budget$/m,
    );
    expect(stdout).not.toContain('\x1b[');
    expect(stdout).not.toContain('\r');
    expect(stdout).toMatch(/^reports: .+ \(report\.json, junit\.xml, summary\.md, index\.html\)$/m);
    expect([0, 1]).toContain(status);
  });

  it('writes report.json valid against schemas/report.schema.json, with the budget and the series', () => {
    const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as RunReport;
    expect(schemaErrors(report)).toEqual([]);
    // Unknown properties are allowed, but every one a real run writes should be documented in the schema.
    expect(undocumented(report), 'add these to schemas/report.schema.json').toEqual([]);
    expect(existsSync(join(dir, report.$schema!))).toBe(true);
    const s = report.scenarios[0]!;
    expect(s.budget?.totalRequests).toBeGreaterThan(300);
    // The scenario's own objective (slo: 0.99), not the default 99.9%.
    expect(s.budget?.slo).toBe(0.99);
    expect(s.budget?.allowedFailures).toBeCloseTo(s.budget!.totalRequests * 0.01, 3);
    expect(s.series.t.length).toBeGreaterThan(5);
    expect(s.faults[0]?.verified).toBe(true);
  });

  it.skipIf(!hasXmllint)('writes junit.xml valid against the JUnit XSD', () => {
    expect(xmllint(join(dir, 'junit.xml'), junitXsd).status).toBe(0);
  });

  it('writes summary.md and index.html, and `rehearse report` rebuilds them identically', () => {
    const md = readFileSync(join(dir, 'summary.md'), 'utf8');
    const html = readFileSync(join(dir, 'index.html'), 'utf8');
    expect(md).toMatch(/\| canary \| (✅|❌) \*\*\w+/);
    expect(html).toContain('id="matrix"');
    const r = cli(['report', dir]);
    expect(r.status).toBe(0);
    expect(readFileSync(join(dir, 'summary.md'), 'utf8')).toBe(md);
    expect(readFileSync(join(dir, 'index.html'), 'utf8')).toBe(html);
  });
});
