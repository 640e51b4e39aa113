/**
 * Anytime-valid sequential count test (ANALYSIS.md §2): given the total errors, the canary's share of
 * errors is Binomial(ρ); under "same error rate per request" ρ = ρ0. A Beta(k·ρ0, k·(1−ρ0)) mixture over
 * ρ gives the evidence O; rejecting when O ≥ 1/α keeps false alarms ≤ α however often it is looked at.
 */

/** Inputs of one evaluation of the count test. */
export interface CountTestInput {
  /** Errors on the canary. */
  canaryErrors: number;
  /** Errors on the baseline (stable). */
  stableErrors: number;
  /** The canary's share of requests under which those errors were served, in (0, 1). */
  rho0: number;
  /** Prior concentration; 100 by default. */
  k?: number;
}

/** Natural log of the gamma function (Lanczos, g = 7; relative error below 1e-13 for x > 0). */
export function lnGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - lnGamma(1 - x);
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  const z = x - 1;
  let a = c[0]!;
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) a += c[i]! / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/** Log of the Beta function. */
export function lnBeta(a: number, b: number): number {
  return lnGamma(a) + lnGamma(b) - lnGamma(a + b);
}

/** ln O: the log evidence against "same error rate per request". */
export function countTestLogOdds({
  canaryErrors: ec,
  stableErrors: eb,
  rho0,
  k = 100,
}: CountTestInput): number {
  if (!(rho0 > 0 && rho0 < 1)) throw new RangeError(`rho0 must be in (0, 1), got ${rho0}`);
  const a = k * rho0;
  const b = k * (1 - rho0);
  return lnBeta(a + ec, b + eb) - lnBeta(a, b) - ec * Math.log(rho0) - eb * Math.log(1 - rho0);
}

/** One evaluation: evidence, the always-valid p-value for this look, and whether the canary is shown worse. */
export function countTest(input: CountTestInput & { alpha: number }): {
  logOdds: number;
  pValue: number;
  reject: boolean;
  worse: boolean;
} {
  const logOdds = countTestLogOdds(input);
  const worse = input.canaryErrors / input.rho0 > input.stableErrors / (1 - input.rho0);
  const pValue = Math.min(1, Math.exp(-logOdds));
  return { logOdds, pValue, worse, reject: worse && logOdds >= Math.log(1 / input.alpha) };
}

/**
 * The count test run over time while weights change: counts are pooled within a segment of steady
 * canary share; when the share moves by more than `shift` (relative), the segment's evidence is
 * banked and a new segment starts. The product of the segments' mixture ratios stays a test
 * supermartingale, so the running minimum of 1/O remains an always-valid p-value.
 */
export class SequentialCountTest {
  private banked = 0;
  private seg = { ce: 0, se: 0, cr: 0, sr: 0 };
  private minP = 1;
  /** Current log evidence (banked segments plus the open one). */
  logOdds = 0;

  constructor(
    readonly alpha: number,
    readonly k = 100,
    private readonly shift = 0.2,
  ) {}

  /** Adds one interval's counts: errors and requests on canary and stable. Returns the state after it. */
  add(c: { canaryErrors: number; canaryRequests: number; stableErrors: number; stableRequests: number }): {
    logOdds: number;
    pValue: number;
    reject: boolean;
  } {
    const total = c.canaryRequests + c.stableRequests;
    if (total > 0) {
      const rho = c.canaryRequests / total;
      const segTotal = this.seg.cr + this.seg.sr;
      const segRho = segTotal > 0 ? this.seg.cr / segTotal : rho;
      // A weight change moves the share by far more than sampling noise (4 standard errors) does.
      const noise = 4 * Math.sqrt((segRho * (1 - segRho)) / total);
      if (segTotal > 0 && Math.abs(rho - segRho) > Math.max(this.shift * segRho, noise)) {
        this.banked += this.segmentLogOdds();
        this.seg = { ce: 0, se: 0, cr: 0, sr: 0 };
      }
      this.seg.ce += c.canaryErrors;
      this.seg.se += c.stableErrors;
      this.seg.cr += c.canaryRequests;
      this.seg.sr += c.stableRequests;
    }
    this.logOdds = this.banked + this.segmentLogOdds();
    this.minP = Math.min(this.minP, Math.exp(-this.logOdds));
    return { logOdds: this.logOdds, pValue: this.minP, reject: this.logOdds >= Math.log(1 / this.alpha) };
  }

  private segmentLogOdds(): number {
    const { ce, se, cr, sr } = this.seg;
    if (cr === 0 || sr === 0) return 0;
    const rho0 = cr / (cr + sr);
    // One-sided: evidence only counts when the canary is the worse side.
    if (ce / rho0 <= se / (1 - rho0))
      return Math.min(0, countTestLogOdds({ canaryErrors: ce, stableErrors: se, rho0, k: this.k }));
    return countTestLogOdds({ canaryErrors: ce, stableErrors: se, rho0, k: this.k });
  }
}
