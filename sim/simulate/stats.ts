import type { Distribution, Proportion, Quantile } from '../vocabulary/simulation-report.js';

const Z = 1.959964;

/** The Wilson score interval: well-behaved at 0 and 1, unlike the normal interval. */
export function proportion(successes: number, trials: number): Proportion {
  if (trials === 0) return { value: 0, successes, trials, ci95: [0, 1] };
  const p = successes / trials;
  const denom = 1 + (Z * Z) / trials;
  const centre = (p + (Z * Z) / (2 * trials)) / denom;
  const half = (Z * Math.sqrt((p * (1 - p)) / trials + (Z * Z) / (4 * trials * trials))) / denom;
  return { value: p, successes, trials, ci95: [Math.max(0, centre - half), Math.min(1, centre + half)] };
}

/** The q-quantile of sorted values with the order-statistic interval [x(lo), x(hi)] (normal approximation of the ranks). */
export function quantile(sorted: number[], q: number): Quantile {
  const n = sorted.length;
  const at = (i: number) => sorted[Math.min(n - 1, Math.max(0, i))]!;
  const half = Z * Math.sqrt(n * q * (1 - q));
  return {
    value: at(Math.ceil(q * n) - 1),
    ci95: [at(Math.floor(n * q - half) - 1), at(Math.ceil(n * q + half))],
  };
}

/** Summarises a sample; null when it is empty. */
export function distribution(values: number[]): Distribution | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mean = sorted.reduce((a, b) => a + b, 0) / sorted.length;
  return {
    n: sorted.length,
    mean,
    p50: quantile(sorted, 0.5),
    p90: quantile(sorted, 0.9),
    p99: quantile(sorted, 0.99),
    max: sorted.at(-1)!,
  };
}
