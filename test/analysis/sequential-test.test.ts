import { describe, expect, it } from 'vitest';
import {
  countTest,
  countTestLogOdds,
  lnGamma,
  SequentialCountTest,
} from '../../sim/analysis/sequential-test.js';
import { binomial } from '../../sim/simulate/draws.js';
import { Random } from '../../sim/util/random.js';

/** One A/A or A/B run: 200 req/s, canary share `rho`, an hour in 10-second intervals; true when the test ever rejects. */
function everRejects(
  rng: Random,
  p0: number,
  p1: number,
  rho: (interval: number) => number,
  alpha = 0.05,
  intervals = 360,
): { rejected: boolean; at: number } {
  const test = new SequentialCountTest(alpha);
  for (let i = 0; i < intervals; i++) {
    const n = 2000;
    const cr = binomial(rng, n, rho(i));
    const r = test.add({
      canaryRequests: cr,
      canaryErrors: binomial(rng, cr, p1),
      stableRequests: n - cr,
      stableErrors: binomial(rng, n - cr, p0),
    });
    if (r.reject) return { rejected: true, at: (i + 1) * 10 };
  }
  return { rejected: false, at: Number.NaN };
}

describe('sequential count test (ANALYSIS.md §2)', () => {
  it('computes log-gamma and the evidence formula', () => {
    expect(lnGamma(5)).toBeCloseTo(Math.log(24), 10);
    expect(lnGamma(0.5)).toBeCloseTo(Math.log(Math.sqrt(Math.PI)), 10);
    expect(countTestLogOdds({ canaryErrors: 0, stableErrors: 0, rho0: 0.05 })).toBe(0);
    // Errors split exactly as the traffic is: little evidence. All on the canary: strong evidence.
    expect(countTest({ canaryErrors: 1, stableErrors: 19, rho0: 0.05, alpha: 0.05 }).reject).toBe(false);
    expect(countTest({ canaryErrors: 10, stableErrors: 2, rho0: 0.05, alpha: 0.05 }).reject).toBe(true);
  });

  it('A/A: false alarms stay at or below alpha over 2,000 hour-long runs looked at every 10 s', () => {
    const rng = new Random(20261127);
    const runs = 2000;
    let alarms = 0;
    for (let i = 0; i < runs; i++) if (everRejects(rng, 0.001, 0.001, () => 0.05).rejected) alarms++;
    expect(alarms / runs).toBeLessThanOrEqual(0.05);
  });

  it('A/A with weights stepping 5% → 25% → 50%: still at or below alpha over 1,000 runs', () => {
    const rng = new Random(7);
    const runs = 1000;
    let alarms = 0;
    for (let i = 0; i < runs; i++)
      if (everRejects(rng, 0.001, 0.001, (t) => (t < 120 ? 0.05 : t < 240 ? 0.25 : 0.5)).rejected) alarms++;
    expect(alarms / runs).toBeLessThanOrEqual(0.05);
  });

  it('catches a 10x regression in about a minute and a 2x one most of the time within the hour', () => {
    const rng = new Random(3);
    const times10 = Array.from({ length: 200 }, () => everRejects(rng, 0.001, 0.01, () => 0.05));
    expect(times10.filter((r) => r.rejected).length).toBeGreaterThanOrEqual(195);
    const median10 = times10.map((r) => r.at).sort((a, b) => a - b)[100]!;
    expect(median10).toBeLessThan(300);
    const twice = Array.from({ length: 200 }, () => everRejects(rng, 0.001, 0.002, () => 0.05));
    expect(twice.filter((r) => r.rejected).length / 200).toBeGreaterThan(0.6);
  });
});
