import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultModel, loadModel, modelFile } from '../../sim/simulate/model.js';
import { simulateMany } from '../../sim/simulate/monte-carlo.js';
import { simulateScenario } from '../../sim/simulate/simulate-scenario.js';
import type { Classification } from '../../sim/vocabulary/rehearsal-verdict.js';
import { shipped, variant } from './helpers.js';

const model = (() => {
  try {
    return loadModel(modelFile);
  } catch {
    return defaultModel;
  }
})();

interface LiveScenario {
  name: string;
  classification: string;
  observed: { outcome: string; timeToDetectMs?: number; timeToRollbackMs?: number; failedRequests: number };
}
const fixture = (file: string) =>
  (
    JSON.parse(readFileSync(join(import.meta.dirname, 'fixtures', file), 'utf8')) as {
      scenarios: LiveScenario[];
    }
  ).scenarios;
const live = {
  scenarios: [
    ...fixture('live-canary.json'),
    ...fixture('live-canary-faults.json'),
    ...fixture('live-rolling.json'),
    ...fixture('live-segment.json'),
    ...fixture('live-blue-green.json'),
    ...fixture('live-monitoring.json'),
    ...fixture('live-capacity-loss.json'),
    ...fixture('live-verdict.json'),
  ],
};

describe('simulateScenario', () => {
  it('is deterministic by seed: same seed, same timeline and verdict; another seed, other draws', async () => {
    const scenario = shipped('scenarios/canary-error-spike.yaml');
    const a = await simulateScenario(scenario, model, { seed: 5 });
    const b = await simulateScenario(scenario, model, { seed: 5 });
    const c = await simulateScenario(scenario, model, { seed: 6 });
    expect(b.events).toEqual(a.events);
    expect(b.judgement).toEqual(a.judgement);
    expect(b.requests).toBe(a.requests);
    expect(c.requests).not.toBe(a.requests);
  });

  it('uses the real controller: deploy, weights, fault, first failure, decision and rollback on the timeline', async () => {
    const run = await simulateScenario(shipped('scenarios/canary-error-spike.yaml'), model, { seed: 42 });
    const types = run.events.map((e) => e.type).filter((t) => t !== 'analysis');
    expect(types).toEqual(
      expect.arrayContaining([
        'traffic-start',
        'deploy',
        'fault-injected',
        'weights',
        'first-failure',
        'decision',
        'all-traffic-on-stable',
        'candidate-stopped',
        'traffic-end',
      ]),
    );
    expect(run.controller.outcome).toBe('rolled-back');
    expect(run.faults[0]!.verified).toBe(true);
    expect(run.judgement.classification).toBe('caught');
  });

  it('refuses a fault kind it has no model for, naming the ones it has', async () => {
    const scenario = shipped('scenarios/canary-error-spike.yaml');
    const odd = {
      ...scenario,
      faults: [{ ...scenario.faults[0]!, type: 'disk-full' }],
    } as unknown as typeof scenario;
    await expect(simulateScenario(odd, model, { seed: 1 })).rejects.toThrow(
      /disk-full have no simulation model/,
    );
  });

  // A paused release keeps analysing (no data pauses, later failing data rolls back), so lag and gaps
  // delay detection rather than prevent it.
  it('models monitoring lag and lost scrapes: detection comes later on the same seeds', async () => {
    const scenario = shipped('scenarios/canary-error-spike.yaml');
    const blurred = { ...model, monitoring: { lagMs: 3000, gapProbability: 0.3 } };
    const sharp = (await simulateMany(scenario, model, { runs: 150, seed: 1, policies: ['ours'] }))
      .policies[0]!;
    const late = (await simulateMany(scenario, blurred, { runs: 150, seed: 1, policies: ['ours'] }))
      .policies[0]!;
    expect(late.timeToDetectMs!.p50.value).toBeGreaterThan(sharp.timeToDetectMs!.p50.value);
    expect(late.timeToDetectMs!.p90.value).toBeGreaterThan(sharp.timeToDetectMs!.p90.value);
  });

  // Agreement: the stored live reports (test/simulate/fixtures/live-*.json, from `rehearse run` of
  // the shipped scenarios the model covers, every strategy) against 200 simulated seeds of each. Stated tolerance: the live
  // outcome and classification are the simulated ones in ≥ 95% of seeds, and the live time to detect and to roll back
  // lie within 3 analysis intervals (6 s) of the simulated median and at or below the simulated p99 plus
  // one scrape interval (1 s: live timing noise).
  for (const { name } of live.scenarios) {
    it(`agrees with the live run of ${name}`, async () => {
      const scenario = shipped(`scenarios/${name}.yaml`);
      const liveRun = live.scenarios.find((s) => s.name === name)!;
      const sim = await simulateMany(scenario, model, {
        runs: 200,
        seed: scenario.seed,
        policies: ['scenario'],
      });
      const result = sim.policies[0]!;
      expect((result.outcomes[liveRun.observed.outcome] ?? 0) / result.runs).toBeGreaterThanOrEqual(0.95);
      // Judged from harm by the same function on counts: the live classification in ≥ 95% of seeds too.
      const classified = result.classifications[liveRun.classification as Classification] ?? 0;
      expect(classified / result.runs).toBeGreaterThanOrEqual(0.95);
      const tolerance = 3 * scenario.strategy.analysis.interval;
      for (const [liveMs, dist] of [
        [liveRun.observed.timeToDetectMs, result.timeToDetectMs],
        [liveRun.observed.timeToRollbackMs, result.timeToRollbackMs],
      ] as const) {
        if (liveMs === undefined) {
          // No detection live: at most the 5% of simulated runs the outcome criterion allows detected anything.
          expect(dist?.n ?? 0).toBeLessThanOrEqual(0.05 * result.runs);
          continue;
        }
        const all = dist!;
        expect(Math.abs(liveMs - all.p50.value)).toBeLessThanOrEqual(tolerance);
        // Virtual time has no scheduling noise: a live round lands some ms after its simulated twin.
        expect(liveMs).toBeLessThanOrEqual(all.p99.value + scenario.monitoring.scrapeInterval);
      }
    });
  }

  it('A/A through the whole simulator: policy "ours" rolls back a healthy candidate in at most alpha of 1,000 runs', async () => {
    const scenario = variant('bench/scenarios/canary-30m-healthy.yaml', (raw) => {
      (raw.traffic as Record<string, unknown>).duration = '6m';
      (raw.strategy as { steps: unknown[] }).steps = [{ setWeight: 5 }, { analyze: '5m' }];
    });
    const sim = await simulateMany(scenario, model, { runs: 1000, seed: 1, policies: ['ours'] });
    const result = sim.policies[0]!;
    expect(result.falseRollbackRate!.trials).toBe(1000);
    expect(result.falseRollbackRate!.value).toBeLessThanOrEqual(0.05);
  }, 180_000);
});
