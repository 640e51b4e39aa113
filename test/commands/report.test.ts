import { copyFileSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/temp-dir.js';
import { cli, ensureBuilt, fixtureReport, root } from '../report/helpers.js';

describe('rehearse report', () => {
  let run: string;

  beforeAll(() => {
    ensureBuilt();
    run = tempDir('rehearsal-report-cmd-');
    copyFileSync(join(root, 'test/fixtures/report.json'), join(run, 'report.json'));
  });

  it('rebuilds junit.xml, summary.md and index.html from report.json and leaves report.json alone', () => {
    const before = readFileSync(join(run, 'report.json'), 'utf8');
    const r = cli(['report', run]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout.trim().split('\n')).toEqual(
      ['junit.xml', 'summary.md', 'index.html'].map((f) => join(run, f)),
    );
    expect(readdirSync(run).sort()).toEqual(['index.html', 'junit.xml', 'report.json', 'summary.md']);
    expect(readFileSync(join(run, 'summary.md'), 'utf8')).toContain('| canary |');
    expect(readFileSync(join(run, 'index.html'), 'utf8')).toContain('<svg');
    expect(readFileSync(join(run, 'report.json'), 'utf8')).toBe(before);
  });

  it('--out writes the rebuilt formats elsewhere', () => {
    const out = tempDir('rehearsal-report-out-');
    const r = cli(['report', join(run, 'report.json'), '--out', out]);
    expect(r.status).toBe(0);
    expect(readdirSync(out).sort()).toEqual(['index.html', 'junit.xml', 'summary.md']);
  });

  it('--compare exits 0 when nothing got worse', () => {
    const r = cli(['report', '--compare', join(root, 'test/fixtures/report.json'), run]);
    expect(r.stdout).toContain('nothing got worse');
    expect(r.status).toBe(0);
  });

  it('--compare shows what got worse and exits 1', () => {
    const worse = fixtureReport();
    worse.runId = 'later';
    worse.scenarios[0]!.status = 'failure';
    worse.scenarios[0]!.reason = 'missed';
    worse.scenarios[0]!.observed.failedRequests = 40;
    const dir = tempDir('rehearsal-report-worse-');
    writeFileSync(join(dir, 'report.json'), JSON.stringify(worse));
    const r = cli(['report', '--compare', run, dir]);
    expect(r.stdout).toContain('→ later');
    expect(r.stdout).toContain('worse (2):');
    expect(r.stdout).toContain('canary-error-spike: now fails: missed');
    expect(r.stdout).toMatch(/canary-error-spike: failed user requests on the release: \d+ → 40/);
    expect(r.status).toBe(1);
  });

  it('names the file and the field when report.json is not a report, and exits 2', () => {
    const dir = tempDir('rehearsal-report-bad-');
    writeFileSync(
      join(dir, 'report.json'),
      JSON.stringify({ schemaVersion: 1, runId: 'x', scenarios: [{ name: 'a' }] }),
    );
    const r = cli(['report', dir]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(
      `${join(dir, 'report.json')}: scenarios[0].status must be a string, got undefined`,
    );
    expect(r.stderr).toContain('hint: schemas/report.schema.json describes the format');
  });

  it('explains a missing run folder and a wrong number of arguments', () => {
    const missing = cli(['report', join(tmpdir(), 'no-such-run-dir')]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/no-such-run-dir\/report\.json: cannot read: ENOENT/);
    const one = cli(['report', '--compare', run]);
    expect(one.status).toBe(2);
    expect(one.stderr).toContain('--compare needs two runs, got 1');
  });
});
