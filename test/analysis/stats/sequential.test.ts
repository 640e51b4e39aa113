import { describe, expect, it } from 'vitest';
import { lnOddsConstant, sequentialEvidence } from '../../../sim/analysis/stats/sequential.js';
import { lnBeta, lnGamma } from '../../../sim/analysis/stats/special.js';
import { mulberry32 } from '../../helpers/random.js';

describe('lnGamma / lnBeta', () => {
  it('match known values', () => {
    expect(lnGamma(1)).toBeCloseTo(0, 12);
    expect(lnGamma(5)).toBeCloseTo(Math.log(24), 12);
    expect(lnGamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 12);
    expect(lnBeta(2, 3)).toBeCloseTo(Math.log(1 / 12), 12);
  });
});

describe('the anytime-valid count test (sim/analysis/README.md §2)', () => {
  // Reference values computed independently with Python's math.lgamma:
  // lnB(a+ec, b+eb) − lnB(a, b) − ec·ln ρ0 − eb·ln(1−ρ0), a = kρ0, b = k(1−ρ0), k = 100.
  it.each([
    [5, 5, 0.2, 0.15251418133540984],
    [0, 0, 0.2, 0],
    [10, 2, 0.2, 1.336195437609975],
    [3, 20, 0.05, 0.03538592455079104],
    [6, 3, 0.5, -0.0016244254841981665],
  ])('ec=%i eb=%i ρ0=%f gives ln O = %f', (ec, eb, rho, want) => {
    expect(lnOddsConstant(ec, eb, rho, 100)).toBeCloseTo(want, 9);
  });

  it('uses the closed form when the share never changes, and says which way the canary leans', () => {
    const e = sequentialEvidence([
      { ec: 4, eb: 1, share: 0.2 },
      { ec: 6, eb: 1, share: 0.2 },
    ])!;
    expect(e.lnO).toBeCloseTo(1.336195437609975, 9);
    expect(e.canaryWorse).toBe(true);
    expect(e.expectedEc).toBeCloseTo(2.4, 9);
  });

  it('the relative-risk mixture equals the closed form at a constant share (quadrature check)', () => {
    // Two shares 1e-12 apart take the numerical path.
    const e = sequentialEvidence([
      { ec: 4, eb: 1, share: 0.2 },
      { ec: 6, eb: 1, share: 0.2 + 2e-9 },
    ])!;
    expect(e.lnO).toBeCloseTo(1.336195437609975, 3);
  });

  it('weighs each interval by the share in force: 10 canary errors are damning at 10%, not at 90%', () => {
    const atTen = sequentialEvidence(
      [
        { ec: 0, eb: 5, share: 0.5 },
        { ec: 10, eb: 5, share: 0.1 },
      ],
      10,
    )!;
    const atNinety = sequentialEvidence(
      [
        { ec: 0, eb: 5, share: 0.5 },
        { ec: 10, eb: 5, share: 0.9 },
      ],
      10,
    )!;
    expect(atTen.lnO).toBeGreaterThan(Math.log(10));
    expect(atTen.canaryWorse).toBe(true);
    expect(atNinety.canaryWorse).toBe(false);
  });

  it('A/A: two identical versions, looked at every interval, keep the false-alarm rate at or below α', () => {
    const alpha = 0.05;
    const runs = 400;
    const rand = mulberry32(7);
    let alarms = 0;
    let naiveAlarms = 0;
    for (let run = 0; run < runs; run++) {
      const intervals: { ec: number; eb: number; share: number }[] = [];
      let alarmed = false;
      let naive = false;
      let nc = 0;
      let nb = 0;
      for (let i = 0; i < 15; i++) {
        const weight = i < 5 ? 0.2 : 0.5; // the weight changes mid-run, as a canary's does
        let c = 0;
        let b = 0;
        let ec = 0;
        let eb = 0;
        for (let r = 0; r < 80; r++) {
          const error = rand() < 0.02;
          if (rand() < weight) {
            c++;
            if (error) ec++;
          } else {
            b++;
            if (error) eb++;
          }
        }
        intervals.push({ ec, eb, share: c / (c + b) });
        const e = sequentialEvidence(intervals, 100);
        if (e?.canaryWorse && e.lnO >= Math.log(1 / alpha)) alarmed = true;
        // The naive alternative: a fixed-sample one-sided z test of the two rates, re-run at every look.
        nc += c;
        nb += b;
        const ecs = intervals.reduce((s, x) => s + x.ec, 0);
        const ebs = intervals.reduce((s, x) => s + x.eb, 0);
        const p = (ecs + ebs) / (nc + nb);
        const se = Math.sqrt(p * (1 - p) * (1 / nc + 1 / nb));
        if (se > 0 && (ecs / nc - ebs / nb) / se > 1.645) naive = true;
      }
      if (alarmed) alarms++;
      if (naive) naiveAlarms++;
    }
    expect(alarms / runs).toBeLessThanOrEqual(alpha);
    // Re-running a fixed test at every look inflates false alarms well past α (why §2 exists).
    expect(naiveAlarms / runs).toBeGreaterThan(alpha);
  });

  it('at every look of a growing run, equals the mixture integral computed independently (shares that jump, many errors)', () => {
    // ln O = ln ∫ π(x) Π L_i(x) dx over the log relative risk x, by a fine trapezoid in log space: an oracle that
    // shares nothing with the implementation's grid, its window of terms or its caching across looks.
    // ln σ(t) and ln(1 − σ(t)), stable at both ends.
    const lnSig = (t: number) => -(t < -30 ? -t : Math.log1p(Math.exp(-t)));
    const lnSigC = (t: number) => lnSig(-t);
    const oracle = (intervals: { ec: number; eb: number; share: number }[], k: number) => {
      const used = intervals.filter((i) => i.share > 0 && i.share < 1 && i.ec + i.eb > 0);
      const ref = used[0]!.share;
      const a = k * ref;
      const b = k * (1 - ref);
      const lb = lnBeta(a, b);
      const n = 20_000;
      const dx = 60 / n;
      const logs: number[] = [];
      for (let j = 0; j <= n; j++) {
        const x = -30 + j * dx;
        const t = Math.log(ref / (1 - ref)) + x;
        let l = a * lnSig(t) + b * lnSigC(t) - lb;
        for (const i of used) {
          const ti = Math.log(i.share / (1 - i.share)) + x;
          l += i.ec * (lnSig(ti) - Math.log(i.share)) + i.eb * (lnSigC(ti) - Math.log(1 - i.share));
        }
        logs.push(l + Math.log(dx) + (j === 0 || j === n ? Math.log(0.5) : 0));
      }
      const max = logs.reduce((m, l) => Math.max(m, l), Number.NEGATIVE_INFINITY);
      return max + Math.log(logs.reduce((s, l) => s + Math.exp(l - max), 0));
    };
    const rand = mulberry32(11);
    for (const { k, rate, worse, shares } of [
      { k: 100, rate: 0.01, worse: 1, shares: [0.05, 0.25, 0.5] },
      { k: 100, rate: 0.05, worse: 1.6, shares: [0.05, 0.5] },
      { k: 10, rate: 0.02, worse: 3, shares: [0.1, 0.9, 0.3] },
      // Few errors at a small share: a wide posterior, summed on the coarse lattices.
      { k: 100, rate: 0.004, worse: 1, shares: [0.05] },
      { k: 1000, rate: 0.002, worse: 2, shares: [0.05, 0.1] },
    ]) {
      const intervals: { ec: number; eb: number; share: number }[] = [];
      for (let i = 0; i < 30; i++) {
        const weight = shares[Math.floor((i * shares.length) / 30)]!;
        let c = 0;
        let ec = 0;
        let eb = 0;
        for (let r = 0; r < 800; r++) {
          const canary = rand() < weight;
          if (canary) c++;
          if (rand() < rate * (canary ? worse : 1)) canary ? ec++ : eb++;
        }
        intervals.push({ ec, eb, share: c / 800 });
        const e = sequentialEvidence(intervals, k);
        if (!e || i % 10 !== 9) continue;
        expect(Math.abs(e.lnO - oracle(intervals, k)), `k=${k} rate=${rate} look ${i}`).toBeLessThan(1e-9);
      }
    }
  });
});
