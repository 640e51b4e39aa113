import { describe, expect, it } from 'vitest';
import { Random } from '../../sim/util/random.js';
import type { TrafficCount } from '../../sim/verdict/blast-radius.js';
import { HARM_ALPHA, judgeHarm, upperTail } from '../../sim/verdict/harm.js';

const versions = { stable: 'v1', candidate: 'v2' };

/** Bernoulli draws summed: how many of n requests went bad at rate p. */
function binomial(rng: Random, n: number, p: number): number {
  let k = 0;
  for (let i = 0; i < n; i++) if (rng.next() < p) k++;
  return k;
}

interface Rates {
  failed: number;
  slow: number;
  wrong: number;
}

/**
 * 30 s of a canary at 40 req/s in 1 s steps, its weight 20% then 50%; each second's bad-outcome rates per
 * version from `rates(second, version)`.
 */
function canary(seed: number, rates: (second: number, version: string) => Rates): TrafficCount[] {
  const rng = new Random(seed);
  const counts: TrafficCount[] = [];
  for (let s = 0; s < 30; s++) {
    const share = s < 15 ? 0.2 : 0.5;
    const nc = binomial(rng, 40, share);
    for (const [version, n] of [
      ['v1', 40 - nc],
      ['v2', nc],
    ] as const) {
      const r = rates(s, version);
      const failed = binomial(rng, n, r.failed);
      counts.push({
        at: s * 1000,
        version,
        requests: n,
        failed,
        slow: binomial(rng, n - failed, r.slow),
        wrongVerdicts: binomial(rng, n, r.wrong),
      });
    }
  }
  return counts;
}

const background: Rates = { failed: 0.002, slow: 0.01, wrong: 0.005 };

describe('harm from counts', () => {
  it('A/A: a candidate no worse than stable is called worse in at most alpha of 2,000 seeds', () => {
    let worse = 0;
    for (let seed = 1; seed <= 2000; seed++) {
      const harm = judgeHarm(
        canary(seed, () => background),
        { ...versions, deployedAt: 0 },
      );
      if (harm.verdict === 'worse') worse++;
    }
    expect(worse / 2000).toBeLessThanOrEqual(HARM_ALPHA);
  });

  it('noise both versions share (a burst of failures and slowness on a busy host) is not harm', () => {
    const burst = (s: number): Rates =>
      s >= 10 && s < 13 ? { failed: 0.3, slow: 0.4, wrong: 0.005 } : background;
    for (let seed = 1; seed <= 200; seed++) {
      // The burst falls while the candidate's share is 20%: pooled over the run its share of bad outcomes
      // would look low or high by the weight change alone; compared second by second it is neither.
      const harm = judgeHarm(canary(seed, burst), { ...versions, deployedAt: 0 });
      expect(harm.verdict).toBe('not-worse');
    }
  });

  it('finds a candidate that fails 10% of requests from 12 s, by failed requests, and dates the harm from then', () => {
    let found = 0;
    let dated = 0;
    for (let seed = 1; seed <= 100; seed++) {
      const harm = judgeHarm(
        canary(seed, (s, v) => (v === 'v2' && s >= 12 ? { ...background, failed: 0.1 } : background)),
        { ...versions, deployedAt: 0 },
      );
      if (harm.verdict !== 'worse') continue;
      found++;
      expect(harm.by).toEqual(['failed']);
      // A stray background failure shortly before the fault can open the harm early: most runs date it right.
      if (harm.firstHarmAt! >= 11_000 && harm.firstHarmAt! <= 16_000) dated++;
      expect(harm.evidence).toMatch(/^failed requests: \d+ of \d+ \(.*\) vs \d+ of \d+/);
    }
    expect(found).toBeGreaterThanOrEqual(95);
    expect(dated / found).toBeGreaterThanOrEqual(0.85);
  });

  it('wrong verdicts at HTTP 200 are harm although nothing failed', () => {
    const harm = judgeHarm(
      canary(3, (_, v) => (v === 'v2' ? { ...background, wrong: 0.15 } : background)),
      { ...versions, deployedAt: 0 },
    );
    expect(harm).toMatchObject({ verdict: 'worse', by: ['wrong-verdicts'], period: 'concurrent' });
  });

  it('needs a minimum count and a minimum effect, whatever the p-value', () => {
    const pair = (c: [number, number], s: [number, number]): TrafficCount[] => [
      { at: 0, version: 'v2', requests: c[1], failed: c[0], slow: 0, wrongVerdicts: 0 },
      { at: 0, version: 'v1', requests: s[1], failed: s[0], slow: 0, wrongVerdicts: 0 },
    ];
    // 4 of 50 against 0 of 2,000: significant, but four failures are not harm.
    const few = judgeHarm(pair([4, 50], [0, 2000]), { ...versions, deployedAt: 0 });
    expect(few.tests[0]!.pValue).toBeLessThan(0.0025);
    expect(few.verdict).toBe('not-worse');
    expect(few.tests[0]!.evidence).toMatch(/under the minimum harm/);
    // 1.3% against 1.0% over 100,000 requests each: significant, but under 1.5× stable's rate.
    const small = judgeHarm(pair([1300, 100_000], [1000, 100_000]), { ...versions, deployedAt: 0 });
    expect(small.tests[0]!.pValue).toBeLessThan(0.0025);
    expect(small.verdict).toBe('not-worse');
  });

  it('says too little data when the candidate served almost nobody, and compares the whole run when the versions never overlapped', () => {
    const short = judgeHarm(
      [
        { at: 0, version: 'v1', requests: 300, failed: 0, slow: 0, wrongVerdicts: 0 },
        { at: 1000, version: 'v2', requests: 5, failed: 0, slow: 0, wrongVerdicts: 0 },
      ],
      { ...versions, deployedAt: 1000 },
    );
    expect(short).toMatchObject({ verdict: 'too-little-data', period: 'whole-run' });
    // A blue-green switch: stable alone, then the candidate alone.
    const switched = judgeHarm(
      [
        { at: 0, version: 'v1', requests: 300, failed: 1, slow: 0, wrongVerdicts: 0 },
        { at: 10_000, version: 'v2', requests: 300, failed: 30, slow: 0, wrongVerdicts: 0 },
      ],
      { ...versions, deployedAt: 9000 },
    );
    expect(switched).toMatchObject({
      verdict: 'worse',
      by: ['failed'],
      period: 'whole-run',
      firstHarmAt: 10_000,
    });
  });

  it('a candidate that never started, or whose fault the counts cannot see, is worse on that evidence', () => {
    expect(
      judgeHarm([], { ...versions, deployedAt: undefined, startFailure: 'v2-0 exited during start-up' }),
    ).toMatchObject({ verdict: 'worse', by: ['start'] });
    const acting = judgeHarm([], {
      ...versions,
      deployedAt: 500,
      actingFaults: [{ type: 'latency', at: 2000, detail: '40 user response(s) carried the fault' }],
    });
    expect(acting).toMatchObject({ verdict: 'worse', by: ['fault'], firstHarmAt: 2000 });
    expect(acting.evidence).toMatch(/v2's fault acted on its responses \(latency from 2\.0s/);
  });

  it('the exact tail: one stratum is a binomial, strata add up', () => {
    expect(upperTail([{ k: 3, p: 0.5 }], 3)).toBeCloseTo(0.125, 12);
    expect(upperTail([{ k: 10, p: 0.2 }], 0)).toBe(1);
    // Two strata of one trial each: P(both) = 0.2 · 0.5.
    expect(
      upperTail(
        [
          { k: 1, p: 0.2 },
          { k: 1, p: 0.5 },
        ],
        2,
      ),
    ).toBeCloseTo(0.1, 12);
    // Beyond the exact limit the normal approximation stays close to the exact binomial tail.
    const exact = upperTail([{ k: 400, p: 0.5 }], 220);
    const approx = upperTail([{ k: 401, p: 0.5 }], 220);
    expect(Math.abs(exact - approx)).toBeLessThan(0.01);
  });

  it('the tail kept only up to x (the last state absorbing) equals the full convolution, for every x', () => {
    // The full distribution by brute convolution, with pmfs from the binomial coefficients.
    const full = (strata: { k: number; p: number }[]) => {
      let dist = [1];
      for (const { k, p } of strata) {
        const pmf = Array.from({ length: k + 1 }, (_, j) => {
          let c = 1;
          for (let i = 0; i < j; i++) c = (c * (k - i)) / (i + 1);
          return c * p ** j * (1 - p) ** (k - j);
        });
        const out = new Array<number>(dist.length + k).fill(0);
        dist.forEach((d, i) => {
          pmf.forEach((q, j) => {
            out[i + j]! += d * q;
          });
        });
        dist = out;
      }
      return dist;
    };
    let seed = 7;
    const rand = () => {
      seed = (seed * 16807) % 2147483647;
      return seed / 2147483647;
    };
    for (let trial = 0; trial < 20; trial++) {
      const strata = Array.from({ length: 5 + Math.floor(rand() * 60) }, () => ({
        k: Math.floor(rand() * 4) * Math.floor(rand() * 3),
        p: rand() < 0.1 ? 0 : rand() < 0.1 ? 1 : 0.02 + rand() * 0.3,
      }));
      const dist = full(strata);
      const total = dist.length - 1;
      for (let x = 0; x <= total + 2; x++) {
        const want = Math.min(
          1,
          dist.slice(x).reduce((a, b) => a + b, 0),
        );
        const got = upperTail(strata, x);
        expect(Math.abs(got - want), `trial ${trial} x ${x}`).toBeLessThanOrEqual(
          1e-12 * Math.max(want, 1e-300),
        );
        if (want === 0) expect(got).toBe(0);
      }
    }
  });
});
