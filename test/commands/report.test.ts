import { copyFileSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RunReport } from '../../sim/vocabulary/report-model.js';
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

describe('rehearse report --compare as a CI gate', () => {
  let old: string;

  // Two small runs written by the test: the fixture's rollback and its healthy promotion.
  const writeRun = (edit: (r: RunReport) => void): string => {
    const r = fixtureReport();
    r.scenarios = r.scenarios.slice(0, 2);
    r.scenarios[0]!.observed.timeToDetectMs = 4000;
    r.scenarios[0]!.analysisIntervalMs = 2000;
    edit(r);
    const dir = tempDir('rehearsal-compare-gate-');
    writeFileSync(join(dir, 'report.json'), JSON.stringify(r));
    return dir;
  };

  beforeAll(() => {
    ensureBuilt();
    old = writeRun(() => {});
  });

  it('passes one analysis interval of detection jitter and two more failed requests, and says so', () => {
    const jitter = writeRun((r) => {
      r.scenarios[0]!.observed.timeToDetectMs = 6000;
      r.scenarios[0]!.observed.failedRequests += 2;
    });
    const r = cli(['report', '--compare', old, jitter]);
    expect(r.stdout).toContain('nothing got worse');
    expect(r.stdout).toMatch(/failed user requests on the release: \d+ → \d+ \(within the tolerance of 2\)/);
    expect(r.status).toBe(0);
    const strict = cli([
      'report',
      '--compare',
      old,
      jitter,
      '--tolerance-time',
      '1s',
      '--tolerance-count',
      '0',
    ]);
    expect(strict.stdout).toContain('worse (2):');
    expect(strict.stdout).toContain('time to detect: 4.0s → 6.0s (more than the 1.0s tolerance)');
    expect(strict.status).toBe(1);
  });

  it('exits 1 when a scenario disappeared or newly errors', () => {
    const gone = writeRun((r) => {
      r.scenarios[0]!.status = 'error';
      r.scenarios[0]!.reason = 'harness error: router did not start';
      r.scenarios.splice(1, 1);
    });
    const r = cli(['report', '--compare', old, gone]);
    expect(r.stdout).toContain('canary-error-spike: now a harness error');
    expect(r.stdout).toContain('canary-healthy: missing from the new run');
    expect(r.status).toBe(1);
  });

  it('rejects bad tolerances, naming each, with exit 2', () => {
    const r = cli(['report', '--compare', old, old, '--tolerance-time', 'soon', '--tolerance-count=-3']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--tolerance-time must be a duration such as 500ms, 2s or 1m, got "soon"');
    expect(r.stderr).toContain('--tolerance-count must be a whole number of requests (0 or more), got "-3"');
    const alone = cli(['report', old, '--tolerance-count', '3']);
    expect(alone.status).toBe(2);
    expect(alone.stderr).toContain('only apply to --compare');
  });
});
