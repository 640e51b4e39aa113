import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { RequestRecord } from '../../sim/traffic/record.js';
import type { RunReport, ScenarioReport } from '../../sim/vocabulary/report-model.js';
import { runCli } from './cli.js';
import { leftoversAfter, tagChildren } from './processes.js';
import { tempDir } from './temp-dir.js';

/** The two shipped scenarios that rehearse the sample judge started as an external service. */
export const externalScenarios = [
  'scenarios/external-canary-http-errors.yaml',
  'scenarios/external-canary-healthy.yaml',
];

/**
 * Runs both external scenarios through the real CLI on `platform` and asserts what every platform must show: the
 * erroring candidate rolled back with users hurt by ground truth, the healthy one promoted, both PASS, and no
 * process of the run left behind. Returns the run's report for platform-specific checks.
 */
export async function rehearseExternal(platform: 'local' | 'docker'): Promise<RunReport> {
  const tag = tagChildren(`external-${platform}`);
  const dir = tempDir(`rehearsal-external-${platform}-`);
  const result = await runCli(
    ['run', ...externalScenarios, '--platform', platform, '--reports', join(dir, 'reports')],
    { tag },
  );
  expect(result.code, result.stdout + result.stderr).toBe(0);
  const [runId] = readdirSync(join(dir, 'reports'));
  const runDir = join(dir, 'reports', runId!);
  const report = JSON.parse(readFileSync(join(runDir, 'report.json'), 'utf8')) as RunReport;
  const byName = (name: string) => report.scenarios.find((s) => s.name === name) as ScenarioReport;
  expect(result.stdout).toMatch(/PASS external-canary-http-errors/);
  expect(result.stdout).toMatch(/PASS external-canary-healthy/);

  const erroring = byName('external-canary-http-errors');
  expect(erroring).toMatchObject({ passed: true, classification: 'caught' });
  expect(erroring.observed.outcome).toBe('rolled-back');
  // Users hurt, from ground truth: the users whose own requests the candidate failed.
  const records = readFileSync(join(runDir, erroring.name, 'requests.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as RequestRecord);
  const hurt = new Set(records.filter((r) => r.version === 'v2' && r.status === 500).map((r) => r.userId));
  expect(hurt.size).toBeGreaterThan(0);
  expect(erroring.blastRadius.byVersion.v2?.failed).toBeGreaterThan(0);
  expect(erroring.blastRadius.byVersion.v1?.failed ?? 0).toBe(0);

  const healthy = byName('external-canary-healthy');
  expect(healthy).toMatchObject({ passed: true, classification: 'promoted' });
  expect(healthy.observed).toMatchObject({ outcome: 'promoted', wrongVerdicts: 0, lostSubmissions: 0 });
  expect(healthy.blastRadius.byVersion.v2?.requests).toBeGreaterThan(0);
  expect(await leftoversAfter(tag, 3000)).toEqual([]);
  return report;
}
