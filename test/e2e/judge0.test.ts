import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RequestRecord } from '../../sim/traffic/record.js';
import type { RunReport, ScenarioReport } from '../../sim/vocabulary/report-model.js';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp-dir.js';

// Judge0-speaking traffic live on local processes: every submission a stdin/stdout program sent the Judge0 way
// (base64, expected_output; polled by token, or wait=true), its verdict read from the Judge0 status id. A candidate
// that flips verdicts is caught and its wrong verdicts counted from those answers; a healthy one is promoted.
describe('judge0 traffic (live)', () => {
  it('catches wrong verdicts from Judge0 answers and promotes a healthy candidate', async () => {
    const dir = tempDir('rehearsal-judge0-');
    const result = await runCli([
      'run',
      'scenarios/canary-judge0-wrong-verdicts.yaml',
      'scenarios/canary-judge0-healthy.yaml',
      '--reports',
      join(dir, 'reports'),
    ]);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    const [runId] = readdirSync(join(dir, 'reports'));
    const runDir = join(dir, 'reports', runId!);
    const report = JSON.parse(readFileSync(join(runDir, 'report.json'), 'utf8')) as RunReport;
    const byName = (name: string) => report.scenarios.find((s) => s.name === name) as ScenarioReport;
    const records = (name: string) =>
      readFileSync(join(runDir, name, 'requests.jsonl'), 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as RequestRecord);

    const flipped = byName('canary-judge0-wrong-verdicts');
    expect(flipped).toMatchObject({ passed: true, classification: 'caught' });
    expect(flipped.observed.outcome).toBe('rolled-back');
    expect(flipped.observed.lostSubmissions).toBe(0);
    expect(flipped.observed.wrongVerdicts).toBeGreaterThan(0);
    expect(flipped.blastRadius.byVersion.v2?.wrongVerdicts).toBe(flipped.observed.wrongVerdicts);
    expect(flipped.blastRadius.byVersion.v1?.wrongVerdicts ?? 0).toBe(0);
    expect(flipped.harm?.by).toContain('wrong-verdicts');
    // The ground truth is Judge0's: every judged submission was a polled token with a verdict from its status.
    const submits = records('canary-judge0-wrong-verdicts').filter(
      (r) => r.kind === 'submit' && r.status === 201,
    );
    expect(submits.length).toBeGreaterThan(50);
    expect(submits.every((r) => typeof r.token === 'string' && r.verdict != null)).toBe(true);
    const wrong = submits.filter((r) => r.verdict !== r.expected);
    expect(wrong.length).toBe(flipped.observed.wrongVerdicts);
    expect(wrong.every((r) => r.judgedBy === 'v2' && r.fault === 'wrong-verdict')).toBe(true);

    const healthy = byName('canary-judge0-healthy');
    expect(healthy).toMatchObject({ passed: true, classification: 'promoted' });
    expect(healthy.observed).toMatchObject({ outcome: 'promoted', wrongVerdicts: 0, lostSubmissions: 0 });
    const judged = records('canary-judge0-healthy').filter((r) => r.kind === 'submit' && r.status === 201);
    expect(judged.length).toBeGreaterThan(50);
    // Every label of the mix came back from a Judge0 status as the label the solution carries.
    expect(new Set(judged.map((r) => r.verdict))).toEqual(
      new Set(['accepted', 'wrong-answer', 'runtime-error', 'compilation-error']),
    );
    expect(judged.every((r) => r.verdict === r.expected)).toBe(true);
  }, 180_000);
});
