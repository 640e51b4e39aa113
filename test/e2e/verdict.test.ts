import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunReport, ScenarioReport } from '../../sim/vocabulary/report-model.js';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp-dir.js';

// The verdict from what users got, live on local processes: a blind policy promotes a harmful candidate
// (missed: failing when the author expected promotion, passing when the scenario says it shows a blind
// policy), and a hair-trigger policy rolls back before the candidate's fault exists (false rollback, the
// fault not reached rather than failed).
describe('classification from ground truth (live)', () => {
  it('missed, missed on purpose, and a false rollback before the fault', async () => {
    const dir = tempDir('rehearsal-verdict-');
    const result = await runCli([
      'run',
      'fixtures/scenarios/promoted-but-harmful.yaml',
      'scenarios/canary-blind-wrong-verdicts.yaml',
      'scenarios/canary-rollback-before-fault.yaml',
      '--reports',
      join(dir, 'reports'),
    ]);
    // The failing fixture fails the run.
    expect(result.code, result.stdout + result.stderr).toBe(1);
    const [runId] = readdirSync(join(dir, 'reports'));
    const report = JSON.parse(readFileSync(join(dir, 'reports', runId!, 'report.json'), 'utf8')) as RunReport;
    const byName = (name: string) => report.scenarios.find((s) => s.name === name) as ScenarioReport;

    const harmful = byName('promoted-but-harmful');
    expect(harmful).toMatchObject({ classification: 'missed', passed: false, status: 'failure' });
    expect(harmful.observed.outcome).toBe('promoted');
    expect(harmful.expectations.find((e) => e.name === 'outcome')?.passed).toBe(true);
    expect(harmful.harm?.verdict).toBe('worse');
    expect(harmful.harm?.by).toContain('wrong-verdicts');
    expect(harmful.reason).toMatch(
      /^expected promoted, but v2 was worse for users \(wrong verdicts: \d+ of \d+ .* and was promoted: missed/,
    );

    const blind = byName('canary-blind-wrong-verdicts');
    expect(blind).toMatchObject({
      classification: 'missed',
      passed: true,
      expected: { classification: 'missed' },
    });

    const early = byName('canary-rollback-before-fault');
    expect(early).toMatchObject({ classification: 'false-rollback', passed: true });
    expect(early.observed.outcome).toBe('rolled-back');
    expect(early.harm?.verdict).toBe('not-worse');
    expect(early.faults[0]).toMatchObject({ notReached: true });
    expect(early.faults[0]!.detail).toMatch(/^not reached \(release decided at \d+\.\d+s\)$/);
    expect(early.reason).not.toMatch(/fault not verified|could not be injected/);
  }, 150_000);
});
