import { normalCdf } from './special.js';

/** Result of a Mann-Whitney U test of x against y. */
export interface MannWhitney {
  /** U of x: pairs where x > y, ties counted one half. */
  u: number;
  nx: number;
  ny: number;
  /** z with continuity and tie corrections (positive when x tends to be larger). */
  z: number;
  /** One-sided p-value for "x tends to be larger than y" (normal approximation). */
  pGreater: number;
  /** Two-sided p-value (normal approximation). */
  pTwoSided: number;
  /** Probability of superiority P(x > y) + ½·P(x = y) = U / (nx·ny). */
  effect: number;
}

/** Mann-Whitney U on counts per ordered bin (each bin a tie group): `x[i]` and `y[i]` samples fall in bin i. */
export function mannWhitneyBinned(x: number[], y: number[]): MannWhitney | undefined {
  const nx = x.reduce((s, v) => s + v, 0);
  const ny = y.reduce((s, v) => s + v, 0);
  if (nx === 0 || ny === 0) return undefined;
  let u = 0;
  let below = 0;
  let ties = 0;
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const xi = x[i] ?? 0;
    const yi = y[i] ?? 0;
    u += xi * (below + 0.5 * yi);
    below += yi;
    const t = xi + yi;
    ties += t * t * t - t;
  }
  const n = nx + ny;
  const mean = (nx * ny) / 2;
  const variance = ((nx * ny) / 12) * (n + 1 - ties / (n * (n - 1)));
  const sd = Math.sqrt(Math.max(variance, 0));
  const diff = u - mean;
  const z = sd === 0 ? 0 : (diff - 0.5 * Math.sign(diff)) / sd;
  return {
    u,
    nx,
    ny,
    z,
    pGreater: 1 - normalCdf(z),
    pTwoSided: Math.min(1, 2 * (1 - normalCdf(Math.abs(z)))),
    effect: u / (nx * ny),
  };
}

/** Mann-Whitney U on raw samples (ties by value). */
export function mannWhitney(xs: number[], ys: number[]): MannWhitney | undefined {
  const values = [...new Set([...xs, ...ys])].sort((a, b) => a - b);
  const index = new Map(values.map((v, i) => [v, i]));
  const x = new Array<number>(values.length).fill(0);
  const y = new Array<number>(values.length).fill(0);
  for (const v of xs) x[index.get(v)!]!++;
  for (const v of ys) y[index.get(v)!]!++;
  return mannWhitneyBinned(x, y);
}
