import { Random } from '../util/random.js';

/** A check as written in a scenario's YAML (before parsing). */
export type WrittenCheck = Record<string, unknown>;

/** A canary strategy's steps and analysis as written in YAML: what a candidate policy replaces. */
export interface StrategyPatch {
  steps: Record<string, unknown>[];
  analysis: { interval: string | number; window: string | number; checks: WrittenCheck[] } & Record<
    string,
    unknown
  >;
}

/** One point of the policy space: a name for tables, and the strategy patch every scenario gets. */
export interface Candidate {
  /** `shipped` for the scenario's own policy, else `c1`, `c2`, … in the order drawn. */
  id: string;
  patch: StrategyPatch;
}

const pick = <T>(rng: Random, values: readonly T[]): T => values[rng.int(values.length)]!;

/** First canary weight, the optional second one, and how long each analysis step lasts. */
const FIRST_WEIGHTS = [5, 10, 20, 30] as const;
const SECOND_WEIGHTS = [null, 50] as const;
const ANALYZE_S = [4, 6, 8, 10] as const;
const INTERVAL_S = [1, 2] as const;
const WINDOW_S = [4, 6, 8] as const;
const ERROR_MAX = [0.005, 0.01, 0.02] as const;
const MIN_FAILURES = [2, 3, 4, 5] as const;
const FAILURE_LIMIT = [0, 1, 2] as const;
const ALPHA = [0.001, 0.01, 0.05] as const;
const PRIOR = [5, 10, 20] as const;

/**
 * Draws a variation of the shipped strategy: new steps (weights and analysis durations), interval and window;
 * each check of the shipped block kept or dropped (at least one kept), the error-rate threshold's bound,
 * minFailures and failureLimit and the sequential test's alpha and prior redrawn. Checks the shipped block does
 * not have are not added: the space is the shipped policy's neighbourhood, in its own vocabulary.
 */
export function drawCandidate(rng: Random, shipped: StrategyPatch, id: string): Candidate {
  const first = pick(rng, FIRST_WEIGHTS);
  const second = pick(rng, SECOND_WEIGHTS);
  const steps: Record<string, unknown>[] = [{ setWeight: first }, { analyze: `${pick(rng, ANALYZE_S)}s` }];
  if (second !== null) steps.push({ setWeight: second }, { analyze: `${pick(rng, ANALYZE_S)}s` });
  const checks: WrittenCheck[] = [];
  for (const c of shipped.analysis.checks) {
    // Drop with probability 1/4; the decision is drawn for every check so the stream does not depend on earlier ones.
    const keep = rng.next() >= 0.25;
    const next: WrittenCheck = { ...c };
    if (c.metric === 'error_rate') {
      next.max = pick(rng, ERROR_MAX);
      next.minFailures = pick(rng, MIN_FAILURES);
      next.failureLimit = pick(rng, FAILURE_LIMIT);
    } else if (c.test === 'sequential') {
      next.alpha = pick(rng, ALPHA);
      next.prior = pick(rng, PRIOR);
    }
    if (keep) checks.push(next);
  }
  if (checks.length === 0 && shipped.analysis.checks.length > 0)
    checks.push({ ...shipped.analysis.checks[0]! });
  return {
    id,
    patch: {
      steps,
      analysis: {
        ...shipped.analysis,
        interval: `${pick(rng, INTERVAL_S)}s`,
        window: `${pick(rng, WINDOW_S)}s`,
        checks,
      },
    },
  };
}

/** `count` candidates from `seed`: the shipped policy first, then distinct draws (same seed, same list). */
export function candidates(shipped: StrategyPatch, count: number, seed: number): Candidate[] {
  const rng = new Random(seed).fork('tune');
  const out: Candidate[] = [{ id: 'shipped', patch: shipped }];
  const seen = new Set([JSON.stringify(shipped)]);
  // A bounded number of draws: a tiny space cannot loop forever looking for new points.
  for (let tries = 0; out.length < count && tries < count * 50; tries++) {
    const c = drawCandidate(rng, shipped, `c${out.length}`);
    const key = JSON.stringify(c.patch);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(c);
  }
  return out;
}
