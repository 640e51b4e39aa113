import { lnBeta, logSumExp } from './special.js';

/** Error counts of one interval, with the canary's share of requests in force during it. */
export interface CountInterval {
  /** Canary errors. */
  ec: number;
  /** Comparator (stable or baseline) errors. */
  eb: number;
  /** Canary's share of the requests in this interval (ρ0 under "same error rate per request"). */
  share: number;
}

/** Evidence of the anytime-valid count test. */
export interface SequentialEvidence {
  /** ln O, the log of the mixture likelihood ratio (the e-value). */
  lnO: number;
  ec: number;
  eb: number;
  /** Canary errors expected under "same rate": Σ ρ0·(ec + eb). */
  expectedEc: number;
  /** Whether the canary looks worse than its share predicts (the one-sided direction). */
  canaryWorse: boolean;
}

/**
 * The closed form of ANALYSIS.md §2 for one constant share ρ0 with a Beta(k·ρ0, k·(1−ρ0)) prior:
 * ln O = lnB(a + ec, b + eb) − lnB(a, b) − ec·ln ρ0 − eb·ln(1 − ρ0).
 */
export function lnOddsConstant(ec: number, eb: number, rho0: number, k = 100): number {
  const a = k * rho0;
  const b = k * (1 - rho0);
  return lnBeta(a + ec, b + eb) - lnBeta(a, b) - ec * Math.log(rho0) - eb * Math.log(1 - rho0);
}

const GRID = 801;
const SPAN = 30;

/**
 * The same mixture when the share changes between intervals. The alternative is a relative risk θ
 * (canary errors per request ÷ comparator's), one θ for the whole run: the share of interval i becomes
 * ρi = ρ0i·θ / (ρ0i·θ + 1 − ρ0i). θ gets the prior induced by Beta(k·ρ̄, k·(1−ρ̄)) on the reference share
 * ρ̄ (the first interval's), so with a constant share this equals `lnOddsConstant`. For every fixed θ the
 * product of per-interval likelihood ratios is a martingale under the null, and so is the mixture:
 * the test stays valid however often it is looked at.
 */
export function sequentialEvidence(intervals: CountInterval[], k = 100): SequentialEvidence | undefined {
  const used = intervals.filter((i) => i.share > 0 && i.share < 1 && i.ec + i.eb > 0);
  const ec = sum(used.map((i) => i.ec));
  const eb = sum(used.map((i) => i.eb));
  const expectedEc = sum(used.map((i) => i.share * (i.ec + i.eb)));
  if (used.length === 0) return undefined;
  const ref = used[0]!.share;
  const canaryWorse = ec > expectedEc;
  if (used.every((i) => Math.abs(i.share - ref) < 1e-9))
    return { lnO: lnOddsConstant(ec, eb, ref, k), ec, eb, expectedEc, canaryWorse };
  const a = k * ref;
  const b = k * (1 - ref);
  const lb = lnBeta(a, b);
  const refLogit = logit(ref);
  // The prior on the log relative risk has a standard deviation of about 1/√(k·ρ̄·(1−ρ̄)); the grid spans
  // many of them (and at least ±6), fine enough that a constant share reproduces the closed form.
  const half = Math.min(SPAN, Math.max(6, 14 / Math.sqrt(k * ref * (1 - ref)) + 4));
  const dt = (2 * half) / (GRID - 1);
  const parts = used.map((i) => ({
    ec: i.ec,
    eb: i.eb,
    logit: logit(i.share),
    lnS: Math.log(i.share),
    ln1mS: Math.log(1 - i.share),
  }));
  const terms: number[] = [];
  for (let g = 0; g < GRID; g++) {
    const shift = -half + g * dt;
    const t = refLogit + shift;
    let llr = 0;
    for (const i of parts) {
      const ti = i.logit + shift;
      const sp = softplus(ti);
      // ln ρi = ti − softplus(ti); ln(1 − ρi) = −softplus(ti)
      llr += i.ec * (ti - sp - i.lnS) + i.eb * (-sp - i.ln1mS);
    }
    const spt = softplus(t);
    terms.push(a * (t - spt) + b * -spt - lb + llr + Math.log(dt));
  }
  return { lnO: logSumExp(terms), ec, eb, expectedEc, canaryWorse };
}

function logit(p: number): number {
  return Math.log(p / (1 - p));
}

/** ln(1 + e^x), stable. */
function softplus(x: number): number {
  return x > 30 ? x : Math.log1p(Math.exp(x));
}

function sum(xs: number[]): number {
  return xs.reduce((s, x) => s + x, 0);
}
