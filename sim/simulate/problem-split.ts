import type { Effect } from '../faults/simulation.js';
import type { Random } from '../util/random.js';
import type { TrafficCount } from '../verdict/blast-radius.js';
import { binomial, multinomial } from './draws.js';
import type { ProblemShare } from './problem-mix.js';

// The simulated service's verdicts split by problem (only when a scenario looks at problems): a stream of draws of
// its own, so the service's other numbers stay what they are without the split.

/** What the per-problem split needs, made once: the problems, and a random stream of its own. */
export interface ProblemSplit {
  problems: readonly ProblemShare[];
  /** Forked from the service's stream, so every other draw stays what it was without the split. */
  rng: Random;
  acceptedScratch: number[];
  rejectedScratch: number[];
  acceptedWeights: number[];
  rejectedWeights: number[];
}

/** The part of a version's state the split reads and updates. */
export interface SplitState {
  accepted: number;
  marked: Map<string, number>;
  byProblem: { judged: number[]; accepted: number[] };
}

/** The split for these problems, drawing from `rng` (fork it from the service's stream). */
export function problemSplit(problems: readonly ProblemShare[], rng: Random): ProblemSplit {
  const zeros = () => new Array<number>(problems.length).fill(0);
  return {
    problems,
    rng,
    acceptedScratch: zeros(),
    rejectedScratch: zeros(),
    acceptedWeights: zeros(),
    rejectedWeights: zeros(),
  };
}

/**
 * Splits a step's verdicts by problem: given how many were Accepted, they fall on the problems in
 * proportion to each problem's share of submissions × its chance of an Accepted verdict (after the
 * version's own wrong-verdict rate), and likewise the rest. Then effects scoped to problems flip those
 * problems' verdicts, which changes the totals and counts as wrong verdicts.
 */
export function splitByProblem(
  split: ProblemSplit,
  s: SplitState,
  count: TrafficCount,
  accepted: number,
  rejected: number,
  wrong: number,
  wrongRate: number,
  scoped: Effect[],
): void {
  const { problems, acceptedWeights: aw, rejectedWeights: rw } = split;
  const wrongBy = (i: number, n: number) => {
    if (n <= 0) return;
    count.wrongByProblem ??= {};
    const problem = problems[i]!.problem;
    count.wrongByProblem[problem] = (count.wrongByProblem[problem] ?? 0) + n;
  };
  if (wrong > 0) {
    // The version's own wrong verdicts fall on the problems as its submissions do.
    const shares = problems.map((p) => p.share);
    const spread = multinomial(split.rng, wrong, shares, split.acceptedScratch);
    for (let i = 0; i < spread.length; i++) wrongBy(i, spread[i]!);
  }
  let aTotal = 0;
  let rTotal = 0;
  for (let i = 0; i < problems.length; i++) {
    const { share, accepted: a } = problems[i]!;
    const shown = (1 - wrongRate) * a + wrongRate * (1 - a);
    aw[i] = share * shown;
    rw[i] = share * (1 - shown);
    aTotal += aw[i]!;
    rTotal += rw[i]!;
  }
  for (let i = 0; i < problems.length; i++) {
    aw[i] = aTotal > 0 ? aw[i]! / aTotal : 1 / problems.length;
    rw[i] = rTotal > 0 ? rw[i]! / rTotal : 1 / problems.length;
  }
  const acc = multinomial(split.rng, accepted, aw, split.acceptedScratch);
  const rej = multinomial(split.rng, rejected, rw, split.rejectedScratch);
  const byProblem = s.byProblem!;
  for (let i = 0; i < problems.length; i++) {
    let a = acc[i]!;
    let r = rej[i]!;
    for (const e of scoped) {
      if (!e.problems!.includes(problems[i]!.problem)) continue;
      // As the judge service's toggle: Accepted becomes Wrong Answer, anything else Accepted.
      const toRejected = binomial(split.rng, a, e.wrongVerdictRate!);
      const toAccepted = binomial(split.rng, r, e.wrongVerdictRate!);
      a += toAccepted - toRejected;
      r += toRejected - toAccepted;
      s.accepted += toAccepted - toRejected;
      count.wrongVerdicts += toRejected + toAccepted;
      wrongBy(i, toRejected + toAccepted);
      if (e.marker) s.marked.set(e.marker, (s.marked.get(e.marker) ?? 0) + toRejected + toAccepted);
    }
    byProblem.judged[i]! += a + r;
    byProblem.accepted[i]! += a;
  }
}
