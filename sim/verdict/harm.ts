import { lnGamma, normalCdf } from '../analysis/stats/special.js';
import { pct, secs } from '../util/format.js';
import type { Harm, HarmMeasure, HarmTest } from '../vocabulary/rehearsal-verdict.js';
import type { TrafficCount } from './blast-radius.js';

/** The false-harm rate of one rehearsal: the chance that a candidate no worse than stable is called worse. */
export const HARM_ALPHA = 0.01;
/** Counts are compared within strata this long, so noise that moves both versions at once (a busy host) cancels. */
export const HARM_STRATUM_MS = 1000;
/** Fewest bad candidate outcomes that can be harm: a few failures say nothing, whatever the test says. */
export const HARM_MIN_COUNT = 5;
/** Smallest harm worth the name: the candidate's rate exceeds stable's by this much (absolute)… */
export const HARM_MIN_EXCESS = 0.005;
/** …and is at least this many times stable's (a cold start's slightly slower first second is not harm). */
export const HARM_MIN_RATIO = 1.5;
/** Up to this many bad outcomes in all the tail is exact; beyond, the continuity-corrected normal approximation (accurate there, and O(strata)). */
export const HARM_EXACT_MAX = 400;
/** Fewest candidate (and stable) requests in the compared period to tell "not worse" from "too little data". */
export const HARM_MIN_REQUESTS = 20;

/** The measures compared; the false-harm rate is split evenly across them (Bonferroni). */
const MEASURES: { measure: Exclude<HarmMeasure, 'start'>; bad: (c: TrafficCount) => number; noun: string }[] =
  [
    { measure: 'failed', bad: (c) => c.failed, noun: 'failed requests' },
    { measure: 'slow', bad: (c) => c.slow, noun: 'slow responses' },
    { measure: 'wrong-verdicts', bad: (c) => c.wrongVerdicts, noun: 'wrong verdicts' },
    { measure: 'lost-submissions', bad: (c) => c.lostSubmissions ?? 0, noun: 'lost submissions' },
  ];

/** One stratum of the comparison: both versions' counts over one step of time. */
interface Stratum {
  at: number;
  candidate: TrafficCount[];
  stable: TrafficCount[];
  /** Requests of each side, summed once: every measure's test reads them. */
  candidateRequests: number;
  stableRequests: number;
  /** Bad outcomes of each side per measure (in MEASURES' order), summed once: a measure's test and harm start read them. */
  candidateBad: number[];
  stableBad: number[];
}

/** What the harm judgement needs besides the counts. */
export interface HarmInput {
  stable: string;
  candidate: string;
  /** When the candidate was deployed; undefined: it never started. */
  deployedAt: number | undefined;
  /** Why the candidate never started, when the release was abandoned at its deploy. */
  startFailure?: string;
  /** Faults verified acting on the candidate's responses (user-facing layers), with when they began. */
  actingFaults?: { type: string; at: number; detail: string }[];
}

/**
 * Was the candidate worse for users than stable? Per measure, an exact conditional test on counts: given
 * the bad outcomes both versions had in a stratum, under "no worse" the candidate's number of them is
 * binomial with its share of the stratum's requests; summed over strata it is Poisson-binomial, whose
 * upper tail is the p-value. Harm needs that p-value under alpha/4, at least HARM_MIN_COUNT bad outcomes
 * and an effect of HARM_MIN_EXCESS and HARM_MIN_RATIO, so noise both versions share is not harm.
 */
export function judgeHarm(counts: TrafficCount[], input: HarmInput): Harm {
  const { stable, candidate, deployedAt } = input;
  const alpha = HARM_ALPHA / MEASURES.length;
  if (deployedAt === undefined && input.startFailure !== undefined) {
    return {
      verdict: 'worse',
      by: ['start'],
      evidence: `${candidate} never started (${input.startFailure}): no user could be served by it`,
      period: 'concurrent',
      alpha: HARM_ALPHA,
      tests: [],
    };
  }
  const ours = counts.filter(
    (c) =>
      c.version === stable || (c.version === candidate && deployedAt !== undefined && c.at >= deployedAt),
  );
  const concurrent = strata(ours, stable, candidate, HARM_STRATUM_MS).filter(
    (s) => s.candidateRequests > 0 && s.stableRequests > 0,
  );
  const enough = (ss: Stratum[]) =>
    sum(ss, (s) => s.candidateRequests) >= HARM_MIN_REQUESTS &&
    sum(ss, (s) => s.stableRequests) >= HARM_MIN_REQUESTS;
  // A blue-green switch leaves almost no time when both serve: then the whole run is one stratum.
  const period: Harm['period'] = enough(concurrent) ? 'concurrent' : 'whole-run';
  const compared =
    period === 'concurrent' ? concurrent : strata(ours, stable, candidate, Number.POSITIVE_INFINITY);
  const tests = MEASURES.map((_, i) => testMeasure(compared, i, alpha));
  const harmful = tests.filter((t) => t.worse);
  const firstHarmAt = harmful
    .map((t) => t.firstHarmAt)
    .filter((t): t is number => t !== undefined)
    .sort((a, b) => a - b)[0];
  const noun = (m: HarmMeasure) => MEASURES.find((x) => x.measure === m)?.noun ?? m;
  const verdict = harmful.length > 0 ? 'worse' : enough(compared) ? 'not-worse' : 'too-little-data';
  const evidence =
    verdict === 'worse'
      ? harmful.map((t) => `${noun(t.measure)}: ${t.evidence}`).join('; ')
      : verdict === 'not-worse'
        ? `${candidate} no worse than ${stable} on failed, slow, wrong verdicts or lost submissions (${tests[0]!.evidence} failed)`
        : `too little data: ${sum(compared, (s) => s.candidateRequests)} ${candidate} and ${sum(compared, (s) => s.stableRequests)} ${stable} requests compared (fewer than ${HARM_MIN_REQUESTS})`;
  const base = { period, alpha: HARM_ALPHA, tests };
  const acting = [...(input.actingFaults ?? [])].sort((a, b) => a.at - b.at);
  if (verdict !== 'worse' && acting.length > 0) {
    // The counts cannot tell, but the candidate's own responses showed the fault: users got it.
    const faults = acting.map((f) => `${f.type} from ${secs(f.at)}: ${f.detail}`).join('; ');
    return {
      ...base,
      verdict: 'worse',
      by: ['fault'],
      evidence: `${candidate}'s fault acted on its responses (${faults}); users' counts alone: ${evidence}`,
      firstHarmAt: acting[0]!.at,
    };
  }
  return {
    ...base,
    verdict,
    by: harmful.map((t) => t.measure),
    evidence,
    ...(firstHarmAt !== undefined ? { firstHarmAt } : {}),
  };
}

/** The test of MEASURES[index] over the strata. */
function testMeasure(ss: Stratum[], index: number, alpha: number): HarmTest {
  const { measure, bad } = MEASURES[index]!;
  let x = 0;
  let n = 0;
  let y = 0;
  let m = 0;
  const tail: { k: number; p: number }[] = new Array(ss.length);
  for (let i = 0; i < ss.length; i++) {
    const s = ss[i]!;
    const cb = s.candidateBad[index]!;
    const sb = s.stableBad[index]!;
    x += cb;
    n += s.candidateRequests;
    y += sb;
    m += s.stableRequests;
    tail[i] = { k: cb + sb, p: s.candidateRequests / (s.candidateRequests + s.stableRequests) };
  }
  const pValue = upperTail(tail, x);
  const rate = (a: number, b: number) => (b === 0 ? 0 : a / b);
  const cr = rate(x, n);
  const sr = rate(y, m);
  const bigEnough = x >= HARM_MIN_COUNT && cr - sr >= HARM_MIN_EXCESS && cr >= HARM_MIN_RATIO * sr;
  const worse = pValue <= alpha && bigEnough;
  const figures = `${x} of ${n} (${pct(cr)}) vs ${y} of ${m} (${pct(sr)}), p = ${pValue.toPrecision(2)} (alpha ${alpha})`;
  const why =
    pValue <= alpha && !bigEnough
      ? `; under the minimum harm (${HARM_MIN_COUNT} outcomes, +${pct(HARM_MIN_EXCESS)} and ${HARM_MIN_RATIO}× stable's rate)`
      : '';
  const firstHarmAt = worse ? harmStart(ss, index, bad) : undefined;
  return {
    measure,
    candidate: { bad: x, requests: n },
    stable: { bad: y, requests: m },
    pValue,
    alpha,
    worse,
    evidence: figures + why,
    ...(firstHarmAt !== undefined ? { firstHarmAt } : {}),
  };
}

/**
 * When the harm began: the candidate's excess over its share (bad − expected, summed over strata) drifts
 * around zero while it is healthy and climbs once it is not; the harm begins after the excess was last at
 * its lowest, at the first bad candidate response from there on. A noise error before a fault is not its start.
 */
function harmStart(ss: Stratum[], index: number, bad: (c: TrafficCount) => number): number | undefined {
  let excess = 0;
  let lowest = 0;
  let from = 0;
  ss.forEach((s, i) => {
    const nc = s.candidateRequests;
    const k = s.candidateBad[index]! + s.stableBad[index]!;
    excess += s.candidateBad[index]! - (k * nc) / (nc + s.stableRequests);
    if (excess < lowest) {
      lowest = excess;
      from = i + 1;
    }
  });
  for (const s of ss.slice(from)) {
    const first = s.candidate.filter((c) => bad(c) > 0).sort((a, b) => a.at - b.at)[0];
    if (first) return first.at;
  }
  return undefined;
}

/**
 * P(X ≥ x) where X is the sum over strata of Binomial(k, p): the exact distribution by convolution up to
 * HARM_EXACT_MAX bad outcomes in all. Only P(X = 0), …, P(X = x − 1) and P(X ≥ x) are kept: a sum that has reached x
 * stays there (every k ≥ 0), so the last state absorbs, and a stratum costs O(x·k) rather than O(K·k) in the total K
 * (the candidate's share is small, so x is mostly a small part of K). The same probabilities as the full convolution,
 * summed in another order (they differ in the last bits).
 */
export function upperTail(strata: { k: number; p: number }[], x: number): number {
  if (x <= 0) return 1;
  const total = sum(strata, (s) => s.k);
  if (total > HARM_EXACT_MAX) {
    const mean = sum(strata, (s) => s.k * s.p);
    const sd = Math.sqrt(sum(strata, (s) => s.k * s.p * (1 - s.p)));
    return sd === 0 ? (x <= mean ? 1 : 0) : 1 - normalCdf((x - 0.5 - mean) / sd);
  }
  if (x > total) return 0;
  // dist[i] = P(sum so far = i) for i < x; dist[x] = P(sum so far ≥ x). Two buffers, swapped after each stratum.
  let dist = new Float64Array(x + 1);
  let next = new Float64Array(x + 1);
  dist[0] = 1;
  let length = 1;
  for (const { k, p } of strata) {
    if (k === 0) continue;
    const pmf = binomialPmf(k, p);
    // atLeast[j] = P(this stratum's count ≥ j): what carries a sum at i past x − 1 when j = x − i.
    const atLeast = new Array<number>(k + 2);
    atLeast[k + 1] = 0;
    for (let j = k; j >= 0; j--) atLeast[j] = atLeast[j + 1]! + pmf[j]!;
    const reach = Math.min(x + 1, length + k);
    next.fill(0, 0, reach);
    for (let i = 0; i < length; i++) {
      const di = dist[i]!;
      if (di === 0) continue;
      const below = Math.min(k + 1, x - i);
      for (let j = 0; j < below; j++) next[i + j]! += di * pmf[j]!;
      if (x - i <= k) next[x]! += di * atLeast[x - i]!;
    }
    [dist, next] = [next, dist];
    length = reach;
  }
  return Math.min(1, dist[x]!);
}

function binomialPmf(k: number, p: number): number[] {
  if (p <= 0) return [1, ...new Array<number>(k).fill(0)];
  if (p >= 1) return [...new Array<number>(k).fill(0), 1];
  const lp = Math.log(p);
  const lq = Math.log1p(-p);
  const lk = lnFactorial(k);
  const pmf = new Array<number>(k + 1);
  for (let j = 0; j <= k; j++)
    pmf[j] = Math.exp(lk - lnFactorial(j) - lnFactorial(k - j) + j * lp + (k - j) * lq);
  return pmf;
}

/** `lnGamma(n + 1)` by whole `n`, each computed once (the same numbers: lnGamma is a pure function). */
const lnFactorials: number[] = [];
function lnFactorial(n: number): number {
  let v = lnFactorials[n];
  if (v === undefined) {
    v = lnGamma(n + 1);
    lnFactorials[n] = v;
  }
  return v;
}

/** Counts of the two versions grouped into strata of `stepMs`, in time order. */
function strata(counts: TrafficCount[], stable: string, candidate: string, stepMs: number): Stratum[] {
  const byStep = new Map<number, Stratum>();
  for (const c of counts) {
    const at = Number.isFinite(stepMs) ? Math.floor(c.at / stepMs) * stepMs : 0;
    let s = byStep.get(at);
    if (!s) {
      s = {
        at,
        candidate: [],
        stable: [],
        candidateRequests: 0,
        stableRequests: 0,
        candidateBad: [],
        stableBad: [],
      };
      byStep.set(at, s);
    }
    if (c.version === candidate) s.candidate.push(c);
    else if (c.version === stable) s.stable.push(c);
  }
  for (const s of byStep.values()) {
    s.candidateRequests = requests(s.candidate);
    s.stableRequests = requests(s.stable);
    s.candidateBad = MEASURES.map((m) => sum(s.candidate, m.bad));
    s.stableBad = MEASURES.map((m) => sum(s.stable, m.bad));
  }
  return [...byStep.values()].sort((a, b) => a.at - b.at);
}

const requests = (cs: TrafficCount[]) => sum(cs, (c) => c.requests);

function sum<T>(xs: T[], f: (x: T) => number): number {
  let s = 0;
  for (const x of xs) s += f(x);
  return s;
}
