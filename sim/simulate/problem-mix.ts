import type { Scenario } from '../scenario/schema.js';
import { type Corpus, loadCorpus } from '../traffic/corpus.js';
import { defaultVerdictMix, popularity } from '../traffic/schedule.js';
import { paths } from '../util/paths.js';
import type { VerdictName } from '../vocabulary/verdicts.js';

/** One problem's part of the submissions, and the share of them whose correct verdict is Accepted. */
export interface ProblemShare {
  problem: string;
  share: number;
  accepted: number;
}

/**
 * The problems' popularity as the live traffic plan draws submissions (sim/traffic/schedule.ts): a verdict
 * by the scenario's mix (among the verdicts the corpus has solutions for), then one of that verdict's
 * solutions by its problem's popularity (`traffic.problems`). Shares sum to 1, in corpus order.
 */
export function problemMix(
  corpus: Corpus,
  traffic: Pick<Scenario['traffic'], 'verdicts' | 'problems'>,
): ProblemShare[] {
  const mix = traffic.verdicts ?? defaultVerdictMix;
  const available = Object.entries(mix).filter(
    ([v, w]) => (w ?? 0) > 0 && (corpus.byVerdict.get(v as VerdictName)?.length ?? 0) > 0,
  ) as [VerdictName, number][];
  if (available.length === 0) available.push(['accepted', 1]);
  const total = available.reduce((s, [, w]) => s + w, 0);
  const all = new Map<string, number>(corpus.problems.map((p) => [p, 0]));
  const accepted = new Map<string, number>();
  for (const [verdict, w] of available) {
    const list = corpus.byVerdict.get(verdict)!;
    const weights = list.reduce((sum, sol) => sum + popularity(traffic.problems, sol.problemId), 0);
    for (const solution of list) {
      const p = ((w / total) * popularity(traffic.problems, solution.problemId)) / weights;
      all.set(solution.problemId, (all.get(solution.problemId) ?? 0) + p);
      if (verdict === 'accepted')
        accepted.set(solution.problemId, (accepted.get(solution.problemId) ?? 0) + p);
    }
  }
  return [...all]
    .filter(([, share]) => share > 0)
    .map(([problem, share]) => ({ problem, share, accepted: (accepted.get(problem) ?? 0) / share }));
}

let shipped: Corpus | undefined;

/** The shipped corpus' problem mix for a scenario's traffic (the corpus is read once per process). */
export function shippedProblemMix(traffic: Scenario['traffic']): ProblemShare[] {
  shipped ??= loadCorpus(paths.problems);
  return problemMix(shipped, traffic);
}
