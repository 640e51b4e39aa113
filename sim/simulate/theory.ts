import { normalCdf } from './draws.js';

/** Reference formulas the simulator is checked against (sim/analysis/README.md §2, "fixed-horizon reference numbers"). */

/** Fixed-horizon canary sample size for a one-sided two-proportion z-test (canary share `split`). */
export function fixedHorizonSampleSize(
  p0: number,
  p1: number,
  split: number,
  alpha = 0.05,
  power = 0.8,
): number {
  const r = (1 - split) / split;
  const za = normalQuantile(1 - alpha);
  const zb = normalQuantile(power);
  const pbar = (p1 + r * p0) / (1 + r);
  const n =
    (za * Math.sqrt(pbar * (1 - pbar) * (1 + 1 / r)) + zb * Math.sqrt(p1 * (1 - p1) + (p0 * (1 - p0)) / r)) **
      2 /
    (p1 - p0) ** 2;
  return Math.round(n);
}

/** Inverse of the standard normal CDF (Acklam's rational approximation, relative error < 1.2e-9). */
export function normalQuantile(p: number): number {
  const a = [
    -3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1,
    2.506628277459239,
  ];
  const b = [
    -5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1,
    -1.328068155288572e1,
  ];
  const c = [
    -7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968,
    2.938163982698783,
  ];
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  const lo = 0.02425;
  if (p < lo) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (
      (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) /
      ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1)
    );
  }
  if (p > 1 - lo) return -normalQuantile(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return (
    ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) /
    (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1)
  );
}

/** Wald's approximation of the SPRT's expected sample size under H1 (p1), testing p0 vs p1 on one stream. */
export function sprtExpectedN(p0: number, p1: number, alpha = 0.05, power = 0.8): number {
  const beta = 1 - power;
  const num = power * Math.log(power / alpha) + beta * Math.log(beta / (1 - alpha));
  const perObs = p1 * Math.log(p1 / p0) + (1 - p1) * Math.log((1 - p1) / (1 - p0));
  return num / perObs;
}

/** One-sided two-proportion z-test (pooled): is the canary's error rate above the baseline's at level `alpha`? */
export function zTestRejects(
  canary: { errors: number; n: number },
  base: { errors: number; n: number },
  alpha = 0.05,
): boolean {
  const p1 = canary.errors / canary.n;
  const p0 = base.errors / base.n;
  const pooled = (canary.errors + base.errors) / (canary.n + base.n);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / canary.n + 1 / base.n));
  if (se === 0) return false;
  return 1 - normalCdf((p1 - p0) / se) < alpha;
}
