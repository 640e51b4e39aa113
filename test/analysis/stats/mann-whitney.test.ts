import { describe, expect, it } from 'vitest';
import { mannWhitney, mannWhitneyBinned } from '../../../sim/analysis/stats/mann-whitney.js';

describe('Mann-Whitney U', () => {
  it('matches SciPy’s documented example (males vs females, asymptotic with continuity correction)', () => {
    // scipy.stats.mannwhitneyu docs: U1 = 17, two-sided asymptotic p = 0.11134688653314041.
    const r = mannWhitney([19, 22, 16, 29, 24], [20, 11, 17, 12])!;
    expect(r.u).toBe(17);
    expect(r.pTwoSided).toBeCloseTo(0.11134688653314041, 6);
    expect(r.effect).toBeCloseTo(17 / 20, 12);
  });

  it('complete separation: U = 0 and a small one-sided p the other way', () => {
    const r = mannWhitney([1, 2, 3, 4, 5], [6, 7, 8, 9, 10])!;
    expect(r.u).toBe(0);
    expect(r.pGreater).toBeGreaterThan(0.99);
    const s = mannWhitney([6, 7, 8, 9, 10], [1, 2, 3, 4, 5])!;
    expect(s.u).toBe(25);
    expect(s.pGreater).toBeLessThan(0.01);
  });

  it('handles ties: binned counts give the same answer as raw samples with those values', () => {
    const raw = mannWhitney([1, 1, 2, 2, 2, 3], [1, 2, 2, 3, 3, 3, 3])!;
    const binned = mannWhitneyBinned([2, 3, 1], [1, 2, 4])!;
    expect(binned.u).toBe(raw.u);
    expect(binned.z).toBeCloseTo(raw.z, 12);
    // U by hand: x=1 (×2) beat nothing, tie one 1 → 0.5 each; x=2 (×3) beat one 1, tie two 2s → 2 each; x=3 beats 1+2 → 3, ties four 3s → 2 → 5.
    expect(raw.u).toBe(2 * 0.5 + 3 * 2 + 1 * 5);
  });

  it('identical samples: no evidence', () => {
    const r = mannWhitneyBinned([10, 20, 10], [10, 20, 10])!;
    expect(r.effect).toBeCloseTo(0.5, 12);
    expect(r.pGreater).toBeGreaterThan(0.4);
  });

  it('returns undefined with an empty side', () => {
    expect(mannWhitneyBinned([0, 0], [1, 2])).toBeUndefined();
  });
});
