import type { Random } from '../util/random.js';

/** A Poisson draw with mean `mean`: exact (multiplication method) for small means, normal approximation above 30. */
export function poisson(rng: Random, mean: number): number {
  if (mean <= 0) return 0;
  if (mean > 30) return Math.max(0, Math.round(mean + Math.sqrt(mean) * normal(rng)));
  const limit = Math.exp(-mean);
  let k = 0;
  let p = rng.next();
  while (p > limit) {
    k++;
    p *= rng.next();
  }
  return k;
}

/** A binomial draw: exact by inversion while n·p is small, normal approximation when both tails hold more than 10. */
export function binomial(rng: Random, n: number, p: number): number {
  if (n <= 0 || p <= 0) return 0;
  if (p >= 1) return n;
  const mean = n * p;
  if (mean > 10 && n * (1 - p) > 10) {
    const x = Math.round(mean + Math.sqrt(mean * (1 - p)) * normal(rng));
    return Math.min(n, Math.max(0, x));
  }
  if (p > 0.5) return n - binomial(rng, n, 1 - p);
  // Inversion: walk the pmf from 0; the expected number of steps is about n·p + 1.
  const q = 1 - p;
  const ratio = p / q;
  let prob = powCached(q, n);
  let cdf = prob;
  const u = rng.next();
  let k = 0;
  while (u > cdf && k < n) {
    prob *= (ratio * (n - k)) / (k + 1);
    cdf += prob;
    k++;
  }
  return k;
}

/**
 * q ** n, remembered: a rehearsal draws from the same few probabilities (a version's error rate, a latency bin's
 * share of what is left) with counts that recur step after step, and `**` costs several times a lookup. A
 * direct-mapped table keyed by the exact q and n, so a hit returns the very same double (every draw is unchanged).
 */
const POW_SLOTS = 4096;
const powQ = new Float64Array(POW_SLOTS).fill(Number.NaN);
const powN = new Int32Array(POW_SLOTS);
const powValue = new Float64Array(POW_SLOTS);
const powBits = new Float64Array(1);
const powWords = new Int32Array(powBits.buffer);

export function powCached(q: number, n: number): number {
  if (!Number.isInteger(n) || n > 0x7fffffff) return q ** n;
  powBits[0] = q;
  const slot = (Math.imul(powWords[0]! ^ powWords[1]!, 0x9e3779b1) ^ Math.imul(n, 0x85ebca6b)) >>> 20;
  if (powQ[slot] === q && powN[slot] === n) return powValue[slot]!;
  const value = q ** n;
  powQ[slot] = q;
  powN[slot] = n;
  powValue[slot] = value;
  return value;
}

/** Splits `n` into bins with probabilities `probs` (summing to 1) by successive binomial draws. */
export function multinomial(rng: Random, n: number, probs: readonly number[], out: number[]): number[] {
  let left = n;
  let mass = 1;
  for (let i = 0; i < probs.length; i++) {
    const p = probs[i]!;
    if (left === 0 || i === probs.length - 1) {
      out[i] = i === probs.length - 1 ? left : 0;
      left -= out[i]!;
      continue;
    }
    const k = mass > 0 ? binomial(rng, left, Math.min(1, p / mass)) : 0;
    out[i] = k;
    left -= k;
    mass -= p;
  }
  return out;
}

/** A standard normal draw (Box–Muller). */
export function normal(rng: Random): number {
  const u = 1 - rng.next();
  const v = rng.next();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** The standard normal CDF (Abramowitz–Stegun 7.1.26 through erf; error below 1.5e-7). */
export function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const y =
    1 -
    ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) *
      t *
      Math.exp(-x * x);
  return z >= 0 ? 0.5 * (1 + y) : 0.5 * (1 - y);
}
