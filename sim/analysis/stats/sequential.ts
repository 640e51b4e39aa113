import { lnBeta } from './special.js';

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
 * The closed form of sim/analysis/README.md §2 for one constant share ρ0 with a Beta(k·ρ0, k·(1−ρ0)) prior:
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
  // A check calls this at every look with the same, growing array: keep the sums and add only the new
  // intervals. Intervals wait in `pending`, pooled by share (their log likelihood ratio is linear in the
  // counts), and reach the grid only when the share has changed at least once; while it has not, the
  // closed form answers in O(1). A look then folds and sums only the grid points whose terms count (see
  // logSumExp): a long run costs O(distinct shares × that window), not O(grid) at every look.
  let state = cache.get(intervals);
  if (!state || state.k !== k || state.seen > intervals.length) {
    state = { k, seen: 0, ec: 0, eb: 0, expectedEc: 0, allSame: true, pending: new Map() };
    cache.set(intervals, state);
  }
  for (let j = state.seen; j < intervals.length; j++) addInterval(state, intervals[j]!);
  state.seen = intervals.length;
  if (state.ref === undefined) return undefined;
  const { ec, eb, expectedEc } = state;
  const canaryWorse = ec > expectedEc;
  if (state.allSame) return { lnO: lnOddsConstant(ec, eb, state.ref, k), ec, eb, expectedEc, canaryWorse };
  const grid = foldPending(state, state.ref);
  const lnO = logSumExp(grid);
  return { lnO, ec, eb, expectedEc, canaryWorse };
}

/** Below the largest term by this much (e⁻⁴⁰ ≈ 4e-18), a term, and the tail of them, adds less than a double's last bit to the sum (≥ 1). */
const NEGLIGIBLE = 40;

/**
 * The coarsest lattice a look may sum over, and how many of its steps the integrand's width (σ, from the curvature at
 * the peak) must span. The grid is a Riemann sum of a smooth integrand; for a Gaussian of width σ, summing every m-th
 * point (step h = m·dt) is off by a relative 2·exp(−2π²σ²/h²): e⁻⁷⁸ at σ = 2h, far under a double's last bit (the real
 * integrand is not quite Gaussian: against every point, the golden runs' evidence moved by at most 2e-15 relative at
 * σ = 2h, but by 7e-12 at σ = 1.5h, so 2 it is). So a
 * wide posterior (few errors, early looks) is summed every 2nd, 4th, … point, with the same value to rounding, and a
 * narrow one falls back to every point. The lattice steps are powers of two dividing GRID − 1, so a coarser lattice's
 * points are a finer one's and keep their folded likelihoods.
 */
const MAX_STRIDE = 16;
const STEPS_PER_SIGMA = 2;

/**
 * ln Σ exp(prior + llr) over the grid, reading only the terms that count. The terms are concave in the grid index
 * (the log prior and every interval's log likelihood are), so a climb from the last look's peak finds the largest,
 * and the terms fall away on both sides of it; the sum stops where they are {@link NEGLIGIBLE} below it. A long run's
 * likelihood narrows to a small part of the grid, and only that part is folded and summed, on the coarsest lattice
 * its width allows ({@link MAX_STRIDE}). The result is the full sum's to rounding.
 */
function logSumExp(grid: Grid, maxStride = MAX_STRIDE): number {
  let [peak, top] = climb(grid, grid.peak - (grid.peak % grid.stride), grid.stride);
  if (top === Number.NEGATIVE_INFINITY || Number.isNaN(top)) return fullLogSumExp(grid);
  const m = strideAt(grid, peak, maxStride);
  if (m !== grid.stride) [peak, top] = climb(grid, peak - (peak % m), m);
  grid.peak = peak;
  let from = peak;
  while (from - m >= 0 && termAt(grid, from - m) >= top - NEGLIGIBLE) from -= m;
  let to = peak;
  while (to + m < GRID && termAt(grid, to + m) >= top - NEGLIGIBLE) to += m;
  if (m > 1 && (from === 0 || to === GRID - 1)) {
    // The integrand is cut by the grid's end: a coarse lattice would not sum the same truncated integral.
    grid.stride = 1;
    return logSumExp(grid, 1);
  }
  grid.stride = m;
  let sum = 0;
  for (let g = from; g <= to; g += m) sum += Math.exp(grid.terms[g]! - top);
  // × m, a power of two: exact.
  return top + Math.log(sum * m);
}

/** The largest term on the lattice of step m, climbing from `start` (a lattice point) up and then down. */
function climb(grid: Grid, start: number, m: number): [number, number] {
  let peak = start;
  let top = termAt(grid, peak);
  for (const dir of [m, -m]) {
    for (let g = peak + dir; g >= 0 && g < GRID; g += dir) {
      const t = termAt(grid, g);
      if (!(t > top)) break;
      top = t;
      peak = g;
    }
  }
  return [peak, top];
}

/** The lattice step for the integrand's width at its peak p: the curvature of the terms there gives σ. */
function strideAt(grid: Grid, p: number, maxStride: number): number {
  if (maxStride === 1 || p === 0 || p === GRID - 1) return 1;
  const curvature = (2 * termAt(grid, p) - termAt(grid, p - 1) - termAt(grid, p + 1)) / (grid.dt * grid.dt);
  if (!(curvature > 0)) return 1;
  const steps = 1 / Math.sqrt(curvature) / grid.dt / STEPS_PER_SIGMA;
  let m = 1;
  while (m < maxStride && 2 * m <= steps) m *= 2;
  return m;
}

/** The plain two-pass log-sum-exp over every grid point (the climb's fallback when no term is finite). */
function fullLogSumExp(grid: Grid): number {
  let max = Number.NEGATIVE_INFINITY;
  for (let g = 0; g < GRID; g++) {
    const x = termAt(grid, g);
    if (x > max) max = x;
  }
  if (max === Number.NEGATIVE_INFINITY) return max;
  let sum = 0;
  for (let g = 0; g < GRID; g++) sum += Math.exp(grid.terms[g]! - max);
  return max + Math.log(sum);
}

/** prior + llr at grid point g, with every batch folded in (those not yet folded at g are, in order). */
function termAt(grid: Grid, g: number): number {
  const { batches, folded, llr, half, dt, grows } = grid;
  let done = folded[g]!;
  if (done < batches.length) {
    const grow = grows[g]!;
    for (; done < batches.length; done++) {
      const { lg, start, lnS, ln1mS, ec, eb } = batches[done]!;
      // ln ρi = ti − softplus(ti); ln(1 − ρi) = −softplus(ti), with e^ti = e^(lg − half)·e^(g·dt): one product, not an exp
      const ti = lg - half + g * dt;
      const sp = ti > 30 ? ti : Math.log1p(start * grow);
      llr[g]! += ec * (ti - sp - lnS) + eb * (-sp - ln1mS);
    }
    folded[g] = done;
    grid.terms[g] = grid.prior[g]! + llr[g]!;
  }
  return grid.terms[g]!;
}

interface Grid {
  half: number;
  dt: number;
  /** Per grid point g: e^(g·dt). */
  grows: Float64Array;
  /** Per grid point: the log prior density of the relative risk times the grid step. */
  prior: Float64Array;
  /** Per grid point: the summed log likelihood ratio of the batches folded in there so far. */
  llr: Float64Array;
  /** Per grid point: how many of `batches` are folded into its `llr` (a point is folded only when read). */
  folded: Int32Array;
  /** Per grid point: prior + llr, as of its `folded` batches. */
  terms: Float64Array;
  /** The pooled counts of each look, in the order they reached the grid. */
  batches: { lg: number; start: number; lnS: number; ln1mS: number; ec: number; eb: number }[];
  /** Where the largest term was at the last look: the next climb starts there. */
  peak: number;
  /** The lattice step of the last look's sum (see {@link MAX_STRIDE}). */
  stride: number;
}

interface GridState {
  k: number;
  seen: number;
  ec: number;
  eb: number;
  expectedEc: number;
  /** The reference share ρ̄: the first interval's with any errors. */
  ref?: number;
  allSame: boolean;
  /** Counts not yet folded into the grid, pooled by share. */
  pending: Map<number, { ec: number; eb: number }>;
  grid?: Grid;
}

const cache = new WeakMap<CountInterval[], GridState>();

function addInterval(state: GridState, i: CountInterval): void {
  if (!(i.share > 0 && i.share < 1 && i.ec + i.eb > 0)) return;
  state.ref ??= i.share;
  state.ec += i.ec;
  state.eb += i.eb;
  state.expectedEc += i.share * (i.ec + i.eb);
  if (Math.abs(i.share - state.ref) >= 1e-9) state.allSame = false;
  const pooled = state.pending.get(i.share);
  if (pooled) {
    pooled.ec += i.ec;
    pooled.eb += i.eb;
  } else state.pending.set(i.share, { ec: i.ec, eb: i.eb });
}

/** Builds the grid on first use and queues the pending counts as its next batch (folded where read). */
function foldPending(state: GridState, ref: number): Grid {
  if (!state.grid) {
    const a = state.k * ref;
    const b = state.k * (1 - ref);
    // The prior on the log relative risk has a standard deviation of about 1/√(k·ρ̄·(1−ρ̄)); the grid spans
    // many of them (and at least ±6), fine enough that a constant share reproduces the closed form.
    const half = Math.min(SPAN, Math.max(6, 14 / Math.sqrt(state.k * ref * (1 - ref)) + 4));
    const refLogit = logit(ref);
    const dt = (2 * half) / (GRID - 1);
    const lb = lnBeta(a, b);
    const prior = new Float64Array(GRID);
    for (let g = 0; g < GRID; g++) {
      const t = refLogit - half + g * dt;
      const spt = softplus(t);
      prior[g] = a * (t - spt) + b * -spt - lb + Math.log(dt);
    }
    const terms = new Float64Array(prior);
    const grows = new Float64Array(GRID);
    for (let g = 0; g < GRID; g++) grows[g] = Math.exp(g * dt);
    const batches: Grid['batches'] = [];
    const folded = new Int32Array(GRID);
    state.grid = {
      half,
      dt,
      grows,
      prior,
      llr: new Float64Array(GRID),
      folded,
      terms,
      batches,
      peak: (GRID - 1) / 2,
      stride: 1,
    };
  }
  const grid = state.grid;
  for (const [share, { ec, eb }] of state.pending) {
    const lg = logit(share);
    grid.batches.push({
      lg,
      start: Math.exp(lg - grid.half),
      lnS: Math.log(share),
      ln1mS: Math.log(1 - share),
      ec,
      eb,
    });
  }
  state.pending.clear();
  return grid;
}

function logit(p: number): number {
  return Math.log(p / (1 - p));
}

/** ln(1 + e^x), stable. */
function softplus(x: number): number {
  return x > 30 ? x : Math.log1p(Math.exp(x));
}
