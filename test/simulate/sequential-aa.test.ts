import { describe, expect, it } from 'vitest';
import { type CountInterval, sequentialEvidence } from '../../sim/analysis/stats/sequential.js';
import { binomial } from '../../sim/simulate/draws.js';
import { Random } from '../../sim/util/random.js';

/**
 * One run of the count test (sim/analysis/stats/sequential.ts) on simulated counts: 200 req/s, canary
 * share `rho`, an hour looked at every 10 s. Like the check, it keeps one growing array of intervals, so
 * each look adds only the new ones. Returns the time of the first rejection, or null.
 */
function firstRejection(
  rng: Random,
  p0: number,
  p1: number,
  rho: (interval: number) => number,
  lookEvery = 1,
  alpha = 0.05,
): number | null {
  const intervals: CountInterval[] = [];
  for (let i = 0; i < 360; i++) {
    const share = rho(i);
    const cr = binomial(rng, 2000, share);
    intervals.push({ ec: binomial(rng, cr, p1), eb: binomial(rng, 2000 - cr, p0), share });
    if ((i + 1) % lookEvery !== 0) continue;
    const e = sequentialEvidence(intervals, 100);
    if (e?.canaryWorse && e.lnO >= Math.log(1 / alpha)) return (i + 1) * 10;
  }
  return null;
}

function rate(
  runs: number,
  seed: number,
  p1: number,
  rho: (i: number) => number,
  lookEvery = 1,
): { share: number; median: number } {
  const rng = new Random(seed);
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = firstRejection(rng, 0.001, p1, rho, lookEvery);
    if (t !== null) times.push(t);
  }
  times.sort((a, b) => a - b);
  return { share: times.length / runs, median: times[Math.floor(times.length / 2)] ?? Number.NaN };
}

describe('sequential count test against theory (sim/analysis/README.md §2: 200 req/s, 5% canary, 0.1% errors, α = 0.05)', () => {
  it('A/A: false alarms at or below alpha over 2,000 hour-long runs looked at every 10 s', () => {
    expect(rate(2000, 20261127, 0.001, () => 0.05).share).toBeLessThanOrEqual(0.05);
  });

  it('A/A with weights stepping 5% → 25% → 50% (the relative-risk mixture), looked at every minute: at or below alpha over 1,000 runs', () => {
    expect(rate(1000, 7, 0.001, (t) => (t < 120 ? 0.05 : t < 240 ? 0.25 : 0.5), 6).share).toBeLessThanOrEqual(
      0.05,
    );
  }, 120_000);

  it('power as sim/analysis/README.md §2 reports it: 2x caught ≥ 90% within the hour, 10x in about 90 s, 50x in about 20 s', () => {
    const twice = rate(300, 3, 0.002, () => 0.05);
    expect(twice.share).toBeGreaterThanOrEqual(0.9);
    expect(twice.median).toBeLessThan(1800);
    const ten = rate(200, 4, 0.01, () => 0.05);
    expect(ten.share).toBe(1);
    expect(ten.median).toBeLessThanOrEqual(150);
    expect(rate(200, 5, 0.05, () => 0.05).median).toBeLessThanOrEqual(40);
  });
});
