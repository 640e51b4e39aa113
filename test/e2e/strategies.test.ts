import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';

// Live rehearsals through the real CLI (build first: `npx tsc -p tsconfig.json`). One short run per strategy,
// one after another: the machine is shared.
const dir = mkdtempSync(join(tmpdir(), 'rehearsal-strategies-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const traffic = `traffic:
  profile: { type: constant, rate: 30 }
  duration: 20s
  settle: 3s
  mix: { submit: 0.8, poll: 0.15, leaderboard: 0.05 }`;

async function rehearse(name: string, yaml: string) {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, `name: ${name}\nseed: 3\n${yaml}\n${traffic}\n`);
  const reports = join(dir, `reports-${name}`);
  const run = await execa('node', ['dist/sim/cli.js', 'run', file, '--reports', reports], {
    reject: false,
    timeout: 110_000,
  });
  const runDir = join(reports, readdirSync(reports)[0]!);
  const report = JSON.parse(readFileSync(join(runDir, 'report.json'), 'utf8'));
  const scenario = report.scenarios[0];
  const records = readFileSync(join(runDir, name, 'requests.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { version?: string; segment: string; intendedAt: number; userId: string });
  return {
    run,
    scenario,
    records,
    at: (type: string) =>
      scenario.timeline.find((e: { type: string }) => e.type === type)?.at as number | undefined,
  };
}

describe.sequential('every strategy, live on the local platform', () => {
  it('blue-green: an erroring green is caught on the header-routed preview; no user request reaches it', {
    timeout: 120_000,
  }, async () => {
    const { run, scenario, records } = await rehearse(
      'e2e-blue-green',
      `service: { replicas: 1, stable: v1, candidate: v2 }
strategy:
  type: blue-green
  preview: { analyze: 8s, rate: 10 }
  postSwitch: { analyze: 4s }
  analysis:
    interval: 2s
    window: 6s
    checks: [ { metric: error_rate, max: 0.01, failureLimit: 1, minRequests: 10 } ]
faults: [ { type: http-errors, target: candidate, rate: 0.1, at: 0s } ]
expect: { outcome: rolled-back, maxFailedRequests: 0 }`,
    );
    expect(run.exitCode, run.stdout + run.stderr).toBe(0);
    expect(scenario.observed.outcome).toBe('rolled-back');
    expect(records.filter((r) => r.version === 'v2')).toHaveLength(0);
    expect(scenario.faults[0].detail).toMatch(/preview smoke or shadow response/);
    expect(scenario.measurements.length).toBeGreaterThan(0);
    expect(scenario.measurements[0]).toMatchObject({
      phase: expect.any(String),
      message: expect.any(String),
    });
  });

  it('rolling: a slow batch halts the roll, v1 is scaled back up and the shrunken pool is reported', {
    timeout: 120_000,
  }, async () => {
    const { run, scenario, at } = await rehearse(
      'e2e-rolling',
      `service: { replicas: 2, stable: v1, candidate: v2, toggles: { v2: { extraLatencyMs: 300 } } }
strategy:
  type: rolling
  maxSurge: 1
  maxUnavailable: 0
  analyzeEach: 6s
  analysis:
    interval: 2s
    window: 6s
    checks: [ { metric: latency_p95_ms, max: 250, failureLimit: 1, minRequests: 5 } ]
expect: { outcome: rolled-back, maxFailedRequests: 0 }`,
    );
    expect(run.exitCode, run.stdout + run.stderr).toBe(0);
    expect(scenario.observed.outcome).toBe('rolled-back');
    expect(scenario.observed.warnings?.join(' ')).toMatch(/too small to absorb/);
    expect(at('rollback-capacity')).toBeGreaterThanOrEqual(at('decision')!);
    expect(at('candidate-stopped')).toBeGreaterThan(at('all-traffic-on-stable')!);
  });

  it('segment: internal and VIP users first; regular users never see an erroring candidate; sticky per user', {
    timeout: 120_000,
  }, async () => {
    const { run, scenario, records, at } = await rehearse(
      'e2e-segment',
      `service: { replicas: 1, stable: v1, candidate: v2 }
strategy:
  type: segment
  stages:
    - { segments: [internal, vip], analyze: 10s }
    - { segments: [internal, vip], bucket: 100, analyze: 4s }
  analysis:
    interval: 2s
    window: 8s
    checks: [ { metric: error_rate, max: 0.01, failureLimit: 1, minRequests: 5 } ]
faults: [ { type: http-errors, target: candidate, rate: 0.3, at: 0s } ]
expect: { outcome: rolled-back }`,
    );
    expect(run.exitCode, run.stdout + run.stderr).toBe(0);
    expect(scenario.observed.outcome).toBe('rolled-back');
    const onCandidate = records.filter((r) => r.version === 'v2');
    expect(onCandidate.length).toBeGreaterThan(0);
    expect(onCandidate.every((r) => r.segment !== 'regular')).toBe(true);
    // Between the segment rule taking effect and the decision, each user is on one version: by segment.
    const ruled = scenario.timeline.find(
      (e: { type: string; message: string }) => e.type === 'weights' && /rule/.test(e.message),
    ).at as number;
    const during = records.filter(
      (r) => r.version && r.intendedAt > ruled + 500 && r.intendedAt < at('decision')! - 500,
    );
    expect(during.length).toBeGreaterThan(0);
    for (const r of during) expect(r.version).toBe(r.segment === 'regular' ? 'v1' : 'v2');
  });
});
