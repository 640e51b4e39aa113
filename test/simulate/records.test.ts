import { afterAll, describe, expect, it } from 'vitest';
import { endSimulationWorkers, simulateMany } from '../../sim/simulate/monte-carlo.js';
import type { RunRecords } from '../../sim/simulate/run-record.js';
import type { SimulatedRun } from '../../sim/simulate/simulate-scenario.js';
import { shipped, testModel } from './helpers.js';

// The worker threads run the built code (dist/sim/simulate/simulate-worker.js): `npm test` builds first.
const model = testModel();

afterAll(endSimulationWorkers);

const scenario = shipped('scenarios/canary-error-spike.yaml');

async function records(threads: number, records?: RunRecords): Promise<SimulatedRun[]> {
  const seen: SimulatedRun[] = [];
  await simulateMany(scenario, model, {
    runs: 8,
    seed: 5,
    policies: ['ours'],
    threads,
    ...(records ? { records } : {}),
    onRun: (_p, r) => seen.push(r),
  });
  return seen;
}

const timeline = (runs: SimulatedRun[]) =>
  runs.map((r) => r.events.map(({ at, type, message }) => ({ at, type, message })));

describe('the run records simulateMany hands its caller', () => {
  it('by default leaves out the analysis measurements, the same on 1 thread and on 2, and keeps the rest', async () => {
    const [one, two, full] = await Promise.all([records(1), records(2), records(1, 'full')]);
    expect(JSON.stringify(two)).toBe(JSON.stringify(one));
    expect(one).toHaveLength(8);
    for (const [i, r] of one.entries()) {
      expect(r.controller.measurements).toEqual([]);
      expect(r.events.some((e) => e.type === 'analysis')).toBe(true);
      expect(r.events.filter((e) => e.data && 'measurements' in e.data)).toEqual([]);
      // Everything a summary, the tuner or the command reads is what the full record says.
      const whole = full[i]!;
      expect(r.seed).toBe(whole.seed);
      expect(r.judgement).toEqual(whole.judgement);
      expect(r.controller.outcome).toBe(whole.controller.outcome);
      expect(r.controller.reason).toBe(whole.controller.reason);
      expect(r.requests).toBe(whole.requests);
      expect(r.durationMs).toBe(whole.durationMs);
      expect(r.faults).toEqual(whole.faults);
    }
    expect(timeline(one)).toEqual(timeline(full));
    expect(new Set(one.map((r) => r.controller.outcome))).toContain('rolled-back');
  }, 60_000);

  it("gives the whole record, measurements included, with records: 'full', on 1 thread and on 2", async () => {
    const [one, two] = await Promise.all([records(1, 'full'), records(2, 'full')]);
    expect(JSON.stringify(two)).toBe(JSON.stringify(one));
    for (const r of one) {
      expect(r.controller.measurements.length).toBeGreaterThan(0);
      const rounds = r.events.filter((e) => e.type === 'analysis');
      expect(rounds.length).toBeGreaterThan(0);
      for (const e of rounds)
        expect((e.data?.measurements as unknown[] | undefined)?.length ?? 0).toBeGreaterThan(0);
    }
  }, 60_000);
});
