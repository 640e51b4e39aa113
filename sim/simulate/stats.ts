/** A proportion with its 95% Wilson score interval. */
export interface Proportion {
  /** Successes over trials. */
  value: number;
  successes: number;
  trials: number;
  ci95: [number, number];
}

/** A quantile estimate with a distribution-free 95% interval (binomial order statistics). */
export interface Quantile {
  value: number;
  ci95: [number, number];
}

/** Quantiles of a sample: p50, p90, p99, each with an interval, plus the mean; null when the sample is empty. */
export interface Distribution {
  n: number;
  mean: number;
  p50: Quantile;
  p90: Quantile;
  p99: Quantile;
  max: number;
}

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
