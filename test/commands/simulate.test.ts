import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RunReport } from '../../sim/vocabulary/report-model.js';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp-dir.js';
import { schemaErrors, undocumented } from '../report/helpers.js';

describe('rehearse simulate (real CLI)', () => {
  const reports = tempDir('rehearsal-sim-');
  let result: Awaited<ReturnType<typeof runCli>>;
  let report: RunReport;
  let dir: string;

  beforeAll(async () => {
    result = await runCli([
      'simulate',
      'scenarios/canary-healthy.yaml',
      'scenarios/canary-error-spike.yaml',
      '--runs',
      '40',
      '--seed',
      '3',
      '--policy',
      'flagger,argo',
      '--policy',
      'ours',
      '--reports',
      reports,
    ]);
    dir = join(reports, readdirSync(reports)[0]!);
    report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as RunReport;
  }, 120_000);

  it('prints a side-by-side table per scenario and the throughput', () => {
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/canary-error-spike .*40 rehearsal\(s\) × flagger, argo, ours/);
    expect(result.stdout).toMatch(/^flagger\s+\d/m);
    expect(result.stdout).toMatch(/^ours\s+\d/m);
    expect(result.stdout).toMatch(/240 rehearsals, [\d,]+ simulated requests/);
  });

  it('writes the simulation section of report.json: rates with intervals, time quantiles, blast radius, same seeds per policy', () => {
    const sim = report.simulation!;
    expect(schemaErrors(report)).toEqual([]);
    expect(undocumented(report)).toEqual([]);
    expect(report.platform).toBe('simulated');
    expect(sim.runs).toBe(40);
    expect(sim.policies).toEqual(['flagger', 'argo', 'ours']);
    const spike = sim.scenarios.find((s) => s.scenario === 'canary-error-spike')!;
    const healthy = sim.scenarios.find((s) => s.scenario === 'canary-healthy')!;
    expect(spike.seeds).toEqual({ first: 3, count: 40 });
    for (const p of spike.policies) {
      expect(p.detectionProbability!.trials).toBe(40);
      expect(p.detectionProbability!.ci95[0]).toBeLessThanOrEqual(p.detectionProbability!.value);
      expect(p.blastRadius!.n).toBe(40);
    }
    const ours = spike.policies.find((p) => p.policy === 'ours')!;
    expect(ours.detectionProbability!.value).toBeGreaterThan(0.8);
    expect(ours.timeToDetectMs!.p50.value).toBeGreaterThan(0);
    expect(ours.timeToRollbackMs!.p90.ci95).toHaveLength(2);
    for (const p of healthy.policies) expect(p.falseRollbackRate).toBeDefined();
    expect(sim.performance.simulatedRequests).toBeGreaterThan(0);
    const html = readFileSync(join(dir, 'index.html'), 'utf8');
    expect(html).toContain('<h2>Simulation</h2>');
    expect(html).toContain('<td>ours</td>');
  });

  it('rejects an unknown policy and a bad --runs with exit 2 and the valid values', async () => {
    const bad = await runCli(['simulate', '--policy', 'kayenta', '--runs', '1']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/unknown policy "kayenta"/);
    expect(bad.stderr).toMatch(/scenario, flagger, argo, ours/);
    const runs = await runCli(['simulate', '--runs', 'many']);
    expect(runs.code).toBe(2);
    expect(runs.stderr).toMatch(/--runs must be a whole number/);
  });

  it('caps --runs with a clear message instead of running for hours', async () => {
    const r = await runCli(['simulate', 'scenarios/canary-healthy.yaml', '--runs', '100000000']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: --runs must be at most 100,000, got 100000000\nhint: /);
  });
});
