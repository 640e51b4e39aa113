import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';

// The shipped one-problem regression, live through the real CLI on local processes (build first).
const dir = mkdtempSync(join(tmpdir(), 'rehearsal-per-problem-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a regression confined to one problem, live on the local platform', () => {
  it('is rolled back by the per-problem check, not the overall acceptance rate', {
    timeout: 90_000,
  }, async () => {
    const run = await execa(
      'node',
      ['dist/sim/cli.js', 'run', 'scenarios/canary-problem-regression.yaml', '--reports', dir],
      { reject: false, timeout: 80_000 },
    );
    expect(run.exitCode, run.stdout + run.stderr).toBe(0);
    const report = JSON.parse(readFileSync(join(dir, readdirSync(dir)[0]!, 'report.json'), 'utf8'));
    const scenario = report.scenarios[0];
    const first = scenario.timeline.find((e: { type: string }) => e.type === 'first-failure');
    expect(first.message).toMatch(/^two-sum: v2 rejected \d+ of \d+ verdicts vs v1 \d+ of \d+/);
    const fault = scenario.timeline.find((e: { type: string }) => e.type === 'fault-injected');
    expect(first.at - fault.at).toBeLessThanOrEqual(15_000);
  });
});
