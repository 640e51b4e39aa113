import { describe, expect, it } from 'vitest';
import { binomial } from '../../sim/simulate/draws.js';
import { fixedHorizonSampleSize, sprtExpectedN, zTestRejects } from '../../sim/simulate/theory.js';
import { Random } from '../../sim/util/random.js';

/** sim/analysis/README.md §2: baseline p0, canary p1, canary requests needed at a 5%/95% split, Wald SPRT expected n. */
const table = [
  { p0: 0.001, p1: 0.005, n: 872, sprt: 470 },
  { p0: 0.001, p1: 0.01, n: 271, sprt: 136 },
  { p0: 0.001, p1: 0.05, n: 33, sprt: 13 },
  { p0: 0.01, p1: 0.02, n: 849, sprt: 487 },
];

describe('fixed-horizon reference numbers (sim/analysis/README.md §2)', () => {
  it.each(table)('reproduces the sample size and Wald expected n for $p0 → $p1', ({ p0, p1, n, sprt }) => {
    expect(Math.abs(fixedHorizonSampleSize(p0, p1, 0.05) - n)).toBeLessThanOrEqual(1);
    expect(Math.abs(sprtExpectedN(p0, p1) - sprt) / sprt).toBeLessThan(0.03);
  });

  it.each(table)(
    'simulated power of the fixed test at that n is 0.8 ± 0.04 for $p0 → $p1',
    ({ p0, p1, n }) => {
      const rng = new Random(Math.round(p1 * 1e5));
      const runs = 4000;
      let rejected = 0;
      for (let i = 0; i < runs; i++) {
        const nb = n * 19;
        if (zTestRejects({ errors: binomial(rng, n, p1), n }, { errors: binomial(rng, nb, p0), n: nb }))
          rejected++;
      }
      expect(Math.abs(rejected / runs - 0.8)).toBeLessThanOrEqual(0.04);
    },
  );

  it.each(table)(
    'a simulated SPRT keeps power 0.8 ± 0.04 and needs 1.0–1.45x Wald’s n (his formula ignores overshoot) for $p0 → $p1',
    ({ p0, p1 }) => {
      const rng = new Random(11);
      const upper = Math.log(0.8 / 0.05);
      const lower = Math.log(0.2 / 0.95);
      const runs = 3000;
      let total = 0;
      let accepted = 0;
      for (let i = 0; i < runs; i++) {
        let llr = 0;
        let k = 0;
        while (llr < upper && llr > lower) {
          k++;
          llr += rng.next() < p1 ? Math.log(p1 / p0) : Math.log((1 - p1) / (1 - p0));
        }
        total += k;
        if (llr >= upper) accepted++;
      }
      expect(Math.abs(accepted / runs - 0.8)).toBeLessThanOrEqual(0.04);
      const ratio = total / runs / sprtExpectedN(p0, p1);
      expect(ratio).toBeGreaterThanOrEqual(1);
      expect(ratio).toBeLessThanOrEqual(1.45);
    },
  );
});
