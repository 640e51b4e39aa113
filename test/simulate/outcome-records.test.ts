import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { goldenCases } from '../../bench/simulate-golden.js';
import { parseScenario } from '../../sim/scenario/load.js';
import { loadModel } from '../../sim/simulate/model.js';
import { recordOf } from '../../sim/simulate/run-record.js';
import { simulateScenario } from '../../sim/simulate/simulate-scenario.js';
import { packageRoot } from '../../sim/util/paths.js';
import { variant } from './helpers.js';

const model = loadModel(join(packageRoot, 'fixtures/judge-model.json'));

// A run for outcome records makes its successful measurements without a message (they are most of its formatting);
// nothing it keeps may change for that.
describe('outcome records: successful measurements made without their message', () => {
  it('give every golden case the record a full run slims to, seed for seed', async () => {
    let blank = 0;
    let runs = 0;
    for (const c of goldenCases) {
      const path = join(packageRoot, c.file);
      const { scenario } = parseScenario(readFileSync(path, 'utf8'), path);
      if (!scenario) throw new Error(`${c.file} does not parse`);
      for (const policy of c.policies)
        for (let i = 0; i < Math.min(c.runs, 8); i++) {
          const seed = scenario.seed + i;
          const full = await simulateScenario(scenario, model, { seed, policy, records: 'full' });
          const quiet = await simulateScenario(scenario, model, { seed, policy, records: 'outcomes' });
          expect(recordOf(quiet, 'outcomes'), `${c.file} ${policy} seed ${seed}`).toEqual(
            recordOf(full, 'outcomes'),
          );
          // The seam is in force: a quiet run's successful measurements have no message, every other one has its own.
          for (const [j, m] of quiet.controller.measurements.entries()) {
            const want = full.controller.measurements[j]!;
            if (m.phase === 'successful' && m.message === '' && want.message !== '') blank++;
            else expect(m.message).toBe(want.message);
          }
          runs++;
        }
    }
    expect(runs).toBeGreaterThan(100);
    expect(blank).toBeGreaterThan(1000);
  }, 60_000);

  // Each check alone, so that each one's failing rounds decide (in the golden cases another check mostly fires first).
  it.each([
    ['a threshold', { metric: 'error_rate', max: 0.01, failureLimit: 1 }],
    ['the sequential test', { compare: 'error_rate', test: 'sequential', alpha: 0.05, prior: 10 }],
    ['a burn rate', { slo: 'availability', objective: 0.999, period: '6h' }],
  ])('keep the messages of %s that decides', async (_what, check) => {
    const scenario = variant('scenarios/canary-error-spike.yaml', (raw) => {
      const strategy = raw.strategy as { analysis: { checks: unknown[] } };
      strategy.analysis.checks = [check];
    });
    let failed = 0;
    for (let seed = 1; seed <= 12; seed++) {
      const full = await simulateScenario(scenario, model, { seed, records: 'full' });
      const quiet = await simulateScenario(scenario, model, { seed, records: 'outcomes' });
      expect(recordOf(quiet, 'outcomes'), `seed ${seed}`).toEqual(recordOf(full, 'outcomes'));
      const fails = quiet.controller.measurements.filter((m) => m.phase === 'failed');
      for (const m of fails) expect(m.message).not.toBe('');
      failed += fails.length;
    }
    expect(failed).toBeGreaterThan(3);
  });
});
