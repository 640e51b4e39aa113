import { afterAll, describe, expect, it } from 'vitest';
import { endSimulationWorkers, simulateMany } from '../../sim/simulate/monte-carlo.js';
import type { PolicyName } from '../../sim/simulate/policies.js';
import { shipped, testModel } from './helpers.js';

// The worker threads run the built code (dist/sim/simulate/simulate-worker.js): `npm test` builds first.
const model = testModel();

afterAll(endSimulationWorkers);

describe('simulateMany over worker threads', () => {
  it('gives the same results, byte for byte, and calls onRun in the same order on 1 thread and on 2', async () => {
    const scenario = shipped('scenarios/canary-error-spike.yaml');
    const order = (threads: number) => {
      const seen: string[] = [];
      return {
        seen,
        run: simulateMany(scenario, model, {
          runs: 24,
          seed: 3,
          policies: ['scenario', 'ours'],
          threads,
          onRun: (p, r) => seen.push(`${p}:${r.seed}:${r.requests}`),
        }),
      };
    };
    const one = order(1);
    const two = order(2);
    const [a, b] = await Promise.all([one.run, two.run]);
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
    expect(two.seen).toEqual(one.seen);
    expect(one.seen).toHaveLength(48);
    expect(one.seen[0]).toMatch(/^scenario:3:/);
    expect(one.seen[24]).toMatch(/^ours:3:/);
  }, 120_000);

  it('reproduces the figures of the engine before threads and the faster hot path (seed 7, 30 runs)', async () => {
    // `rehearse simulate scenarios/blue-green-post-switch-errors.yaml --runs 30 --seed 7 --policy scenario,flagger`
    // printed these before the change: detection 100% and 76.7% (23 of 30), detect p50 3.0 s, hurt p50 8 and 20.
    const scenario = shipped('scenarios/blue-green-post-switch-errors.yaml');
    const policies: PolicyName[] = ['scenario', 'flagger'];
    const sim = await simulateMany(scenario, model, { runs: 30, seed: 7, policies, threads: 2 });
    const [ours, flagger] = sim.policies;
    expect(ours!.outcomes['rolled-back']).toBe(30);
    expect(flagger!.outcomes['rolled-back']).toBe(23);
    expect((ours!.timeToDetectMs!.p50.value / 1000).toFixed(1)).toBe('3.0'); // as printed
    expect(ours!.blastRadius!.p50.value).toBe(8);
    expect(flagger!.blastRadius!.p50.value).toBe(20);
  }, 120_000);

  it('fails the call when a run fails in a worker, stops on the signal, and the next call still works', async () => {
    const scenario = shipped('scenarios/canary-healthy.yaml');
    const broken = { ...model, kinds: {} } as unknown as typeof model;
    await expect(
      simulateMany(scenario, broken, { runs: 8, seed: 1, policies: ['scenario'], threads: 2 }),
    ).rejects.toThrow();
    // On this thread too, and the rehearsal's background scraping, failing the same way, leaves no unhandled
    // rejection behind (vitest fails the file on one).
    await expect(
      simulateMany(scenario, broken, { runs: 8, seed: 1, policies: ['scenario'], threads: 1 }),
    ).rejects.toThrow("reading 'errorRate'");
    const abort = new AbortController();
    let seen = 0;
    const stopped = simulateMany(scenario, model, {
      runs: 200,
      seed: 1,
      policies: ['scenario'],
      threads: 2,
      signal: abort.signal,
      onRun: () => {
        if (++seen === 3) abort.abort(new Error('stop here'));
      },
    });
    await expect(stopped).rejects.toThrow('stop here');
    expect(seen).toBeLessThan(200);
    const again = await simulateMany(scenario, model, {
      runs: 8,
      seed: 1,
      policies: ['scenario'],
      threads: 2,
    });
    expect(again.policies[0]!.runs).toBe(8);
  }, 120_000);

  it('refuses a thread count that is not a whole number ≥ 1', async () => {
    const scenario = shipped('scenarios/canary-healthy.yaml');
    await expect(
      simulateMany(scenario, model, { runs: 2, seed: 1, policies: ['scenario'], threads: 0 }),
    ).rejects.toThrow('threads must be a whole number ≥ 1, got 0');
  });
});
