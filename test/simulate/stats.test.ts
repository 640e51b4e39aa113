import { describe, expect, it } from 'vitest';
import { distribution, proportion, quantile } from '../../sim/simulate/stats.js';
import { Random } from '../../sim/util/random.js';

describe('Monte Carlo statistics', () => {
  it('gives Wilson intervals that behave at 0, 1 and in the middle', () => {
    expect(proportion(0, 100).ci95[0]).toBe(0);
    expect(proportion(0, 100).ci95[1]).toBeCloseTo(0.037, 3);
    const half = proportion(50, 100);
    expect(half.ci95[0]).toBeCloseTo(0.404, 3);
    expect(half.ci95[1]).toBeCloseTo(0.596, 3);
    expect(proportion(100, 100).ci95[1]).toBe(1);
  });

  it('covers the true median with its quantile interval about 95% of the time', () => {
    const rng = new Random(5);
    let covered = 0;
    for (let i = 0; i < 400; i++) {
      const sample = Array.from({ length: 200 }, () => rng.next()).sort((a, b) => a - b);
      const { ci95 } = quantile(sample, 0.5);
      if (ci95[0] <= 0.5 && 0.5 <= ci95[1]) covered++;
    }
    expect(covered / 400).toBeGreaterThan(0.9);
  });

  it('summarises a sample, and nothing when it is empty', () => {
    expect(distribution([])).toBeNull();
    const d = distribution(Array.from({ length: 100 }, (_, i) => i + 1))!;
    expect(d.p50.value).toBe(50);
    expect(d.p90.value).toBe(90);
    expect(d.p99.value).toBe(99);
    expect(d.mean).toBe(50.5);
  });
});
