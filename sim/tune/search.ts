import type { Scenario } from '../scenario/schema.js';
import type { ServiceModel } from '../simulate/model.js';
import { simulateMany } from '../simulate/monte-carlo.js';
import type { SimulatedRun } from '../simulate/simulate-scenario.js';
import { distribution, proportion } from '../simulate/stats.js';
import type { Proportion, Quantile } from '../vocabulary/simulation-report.js';
import type { Candidate } from './space.js';

/** Fresh seeds start this far above the search seeds; `--runs` is at most 100,000, so the ranges never meet. */
export const FRESH_OFFSET = 1_000_000;

/** The seeds a scenario's search and fresh evaluations use: run i of `runs` uses `first + i`. */
export function seedRanges(
  base: number,
  runs: number,
): { search: [number, number]; fresh: [number, number] } {
  return { search: [base, base + runs], fresh: [base + FRESH_OFFSET, base + FRESH_OFFSET + runs] };
}

/** A mean with its 95% interval (normal approximation). */
export interface Mean {
  value: number;
  n: number;
  ci95: [number, number];
}

/** What a candidate scored on one set of seeds, pooled over the scenarios. */
export interface Score {
  runs: number;
  /** Users hurt by the candidate (failed + slow + wrong verdicts) per rehearsal of a faulty scenario. */
  usersHurt: Mean;
  /** Fault start → all traffic on stable, over faulty rehearsals that rolled back; null when none did. */
  timeToRollbackMs: Quantile | null;
  /** Share of faulty rehearsals rolled back. */
  detection: Proportion | null;
  /** Share of healthy rehearsals rolled back. */
  falseRollbacks: Proportion | null;
  /** Deploy → promoted, over healthy rehearsals promoted. */
  releaseMs: Quantile | null;
  /** Outcomes counted per scenario. */
  outcomes: Record<string, Record<string, number>>;
}

/** The limits a candidate must keep to be chosen. */
export interface Constraints {
  /** Highest false-rollback rate allowed (point estimate on healthy scenarios). */
  maxFalseRollbacks: number;
  /** Longest p50 release (deploy → promoted on healthy scenarios), ms. */
  maxReleaseMs: number;
}

/** A scenario as the search sees it: the parsed scenario patched with a candidate. */
export type Patcher = (candidate: Candidate) => Scenario[];

function mean(values: number[]): Mean {
  const n = values.length;
  if (n === 0) return { value: 0, n, ci95: [0, 0] };
  const m = values.reduce((a, b) => a + b, 0) / n;
  const sd = n > 1 ? Math.sqrt(values.reduce((s, v) => s + (v - m) ** 2, 0) / (n - 1)) : 0;
  const half = (1.959964 * sd) / Math.sqrt(n);
  return { value: m, n, ci95: [Math.max(0, m - half), m + half] };
}

/** Users hurt by the versions other than stable in one rehearsal (as `rehearse simulate` counts its blast radius). */
export function usersHurt(scenario: Scenario, run: SimulatedRun): number {
  return Object.entries(run.judgement.blastRadius.byVersion)
    .filter(([v]) => v !== scenario.service.stable)
    .reduce((s, [, i]) => s + i.failed + i.slow + i.wrongVerdicts, 0);
}

/** Deploy → promoted in one rehearsal, ms; undefined when it was not promoted. */
export function releaseDuration(run: SimulatedRun): number | undefined {
  const deploy = run.events.find((e) => e.type === 'deploy');
  const promoted = run.events.find((e) => e.type === 'promoted');
  return deploy && promoted ? promoted.at - deploy.at : undefined;
}

/** Scores one candidate: `runs` seeded rehearsals of every patched scenario from its seed `base(scenario)`. */
export async function score(
  scenarios: Scenario[],
  model: ServiceModel,
  runs: number,
  base: (s: Scenario) => number,
  onRun?: () => void,
): Promise<Score> {
  const hurt: number[] = [];
  const rollback: number[] = [];
  const release: number[] = [];
  let faulty = 0;
  let caught = 0;
  let healthy = 0;
  let falseRollbacks = 0;
  const outcomes: Score['outcomes'] = {};
  for (const scenario of scenarios) {
    // A simulation never waits on I/O: yield to the event loop so a signal (Ctrl-C) is seen between scenarios.
    await new Promise((resolve) => setImmediate(resolve));
    const bad = scenario.expect.outcome === 'rolled-back';
    const counts: Record<string, number> = {};
    outcomes[scenario.name] = counts;
    await simulateMany(scenario, model, {
      runs,
      seed: base(scenario),
      policies: ['scenario'],
      onRun: (_p, run) => {
        onRun?.();
        const outcome = run.controller.outcome;
        counts[outcome] = (counts[outcome] ?? 0) + 1;
        const rolledBack = outcome === 'rolled-back';
        if (bad) {
          faulty++;
          if (rolledBack) caught++;
          hurt.push(usersHurt(scenario, run));
          if (rolledBack && run.judgement.timeToRollbackMs !== undefined)
            rollback.push(run.judgement.timeToRollbackMs);
        } else {
          healthy++;
          if (rolledBack) falseRollbacks++;
          const ms = releaseDuration(run);
          if (ms !== undefined) release.push(ms);
        }
      },
    });
  }
  return {
    runs,
    usersHurt: mean(hurt),
    timeToRollbackMs: distribution(rollback)?.p50 ?? null,
    detection: faulty ? proportion(caught, faulty) : null,
    falseRollbacks: healthy ? proportion(falseRollbacks, healthy) : null,
    releaseMs: distribution(release)?.p50 ?? null,
    outcomes,
  };
}

/** Whether a score keeps the limits, or why not. Uses point estimates: the interval's upper end at 200 healthy runs is above 1% even with no false rollback. */
export function infeasibility(s: Score, limits: Constraints): string | undefined {
  const fr = s.falseRollbacks?.value ?? 0;
  if (fr > limits.maxFalseRollbacks)
    return `false rollbacks ${(fr * 100).toFixed(1)}% > ${(limits.maxFalseRollbacks * 100).toFixed(1)}%`;
  if (s.falseRollbacks && !s.releaseMs) return 'never promoted a healthy release';
  if (s.releaseMs && s.releaseMs.value > limits.maxReleaseMs)
    return `release p50 ${(s.releaseMs.value / 1000).toFixed(1)}s > ${(limits.maxReleaseMs / 1000).toFixed(1)}s`;
  return undefined;
}

/** Orders candidates best first: feasible before infeasible, then fewer users hurt, then faster rollback. */
export function rank<T extends { score: Score }>(items: T[], limits: Constraints): T[] {
  const key = (i: T) => [
    infeasibility(i.score, limits) ? 1 : 0,
    infeasibility(i.score, limits) ? (i.score.falseRollbacks?.value ?? 0) : 0,
    i.score.usersHurt.value,
    i.score.timeToRollbackMs?.value ?? Number.POSITIVE_INFINITY,
    i.score.releaseMs?.value ?? Number.POSITIVE_INFINITY,
  ];
  return items
    .map((item, index) => ({ item, index, k: key(item) }))
    .sort((a, b) => {
      for (let j = 0; j < a.k.length; j++) if (a.k[j] !== b.k[j]) return a.k[j]! - b.k[j]!;
      return a.index - b.index;
    })
    .map((x) => x.item);
}

/** The four objectives, all to minimise. */
function objectives(s: Score): number[] {
  return [
    s.usersHurt.value,
    s.timeToRollbackMs?.value ?? Number.POSITIVE_INFINITY,
    s.falseRollbacks?.value ?? 0,
    s.releaseMs?.value ?? Number.POSITIVE_INFINITY,
  ];
}

/** Whether `a` is no worse than `b` on every objective and better on one. */
export function dominates(a: Score, b: Score): boolean {
  const x = objectives(a);
  const y = objectives(b);
  return x.every((v, i) => v <= y[i]!) && x.some((v, i) => v < y[i]!);
}

/** The items no other item dominates, in their given order. */
export function paretoFront<T extends { score: Score }>(items: T[]): T[] {
  return items.filter((a) => !items.some((b) => b !== a && dominates(b.score, a.score)));
}

/** One candidate's scores: on the search seeds at the last stage it reached, and on fresh seeds for finalists. */
export interface Evaluated {
  candidate: Candidate;
  score: Score;
  /** The last stage of successive halving it reached, from 0 (`score.runs` says how many runs that was). */
  stage: number;
  fresh?: Score;
}

/** Budgets of a search. */
export interface SearchOptions {
  runs: number;
  limits: Constraints;
  /** Candidates that reach the last stage (plus the shipped one). */
  finalists?: number;
  /** Seed of scenario s's run 0 on the search seeds (fresh ones add FRESH_OFFSET). */
  base: (s: Scenario) => number;
  /** Stops the search between candidates (Ctrl-C): what was scored so far is returned. */
  signal?: AbortSignal;
  onProgress?: (p: { stage: number; stages: number; done: number; total: number }) => void;
}

/** Runs per scenario at each stage of successive halving: an eighth, a third, then all of `runs`. */
export function stageRuns(runs: number): number[] {
  return [Math.max(2, Math.ceil(runs / 8)), Math.max(3, Math.ceil(runs / 3)), runs].filter(
    (r, i, a) => i === a.length - 1 || r < a[i + 1]!,
  );
}

/**
 * Successive halving: every candidate on few seeds, the best third on more, the best `finalists` (and always the
 * shipped policy) on all `runs`; then the finalists again on fresh seeds no stage saw.
 */
export async function search(
  list: Candidate[],
  patch: Patcher,
  model: ServiceModel,
  opts: SearchOptions,
): Promise<{ evaluated: Evaluated[]; finalists: Evaluated[] }> {
  const stages = stageRuns(opts.runs);
  const finalistCount = opts.finalists ?? 4;
  const perScenario = patch(list[0]!).length;
  const keepAt = (stage: number, n: number) =>
    stage === stages.length - 2 ? finalistCount : Math.max(finalistCount, Math.ceil(n / 3));
  const sizes: number[] = [];
  for (let i = 0, n = list.length; i < stages.length; i++) {
    sizes.push(n);
    n = Math.min(n, keepAt(i, n) + 1);
  }
  const total =
    stages.reduce((s, r, i) => s + r * sizes[i]! * perScenario, 0) +
    opts.runs * Math.min(list.length, finalistCount + 1) * perScenario;
  let done = 0;
  const tick = (stage: number) => () => {
    done++;
    opts.onProgress?.({ stage, stages: stages.length + 1, done, total });
  };
  const all = new Map<string, Evaluated>();
  let alive = list;
  for (let stage = 0; stage < stages.length; stage++) {
    const scored: Evaluated[] = [];
    for (const candidate of alive) {
      if (opts.signal?.aborted) break;
      const s = await score(patch(candidate), model, stages[stage]!, opts.base, tick(stage));
      const e: Evaluated = { candidate, score: s, stage };
      scored.push(e);
      all.set(candidate.id, e);
    }
    const ranked = rank(scored, opts.limits);
    if (opts.signal?.aborted) {
      alive = ranked.map((e) => e.candidate);
      break;
    }
    if (stage === stages.length - 1) {
      alive = ranked.map((e) => e.candidate);
      break;
    }
    const keep = ranked.slice(0, keepAt(stage, ranked.length)).map((e) => e.candidate);
    if (!keep.some((c) => c.id === 'shipped')) keep.push(list.find((c) => c.id === 'shipped') ?? list[0]!);
    alive = keep;
  }
  const finalists: Evaluated[] = [];
  for (const candidate of alive) {
    if (opts.signal?.aborted) break;
    const e = all.get(candidate.id)!;
    e.fresh = await score(
      patch(candidate),
      model,
      opts.runs,
      (s) => opts.base(s) + FRESH_OFFSET,
      tick(stages.length),
    );
    finalists.push(e);
  }
  return {
    evaluated: [...all.values()],
    finalists: rank(finalists, opts.limits),
  };
}

/** The verdict of a search: the chosen candidate, and whether it beats the shipped policy on fresh seeds. */
export interface Choice {
  chosen: Evaluated;
  shipped: Evaluated;
  /** Whether the chosen policy hurts fewer users than the shipped one on fresh seeds at no more false rollbacks. */
  beatsShipped: boolean;
  /** In words: why this one, or why none beats the shipped policy. */
  reason: string;
}

/**
 * Chooses on the search seeds (the feasible finalist hurting fewest users), then judges on fresh seeds: choosing on
 * the fresh seeds would only overfit those instead.
 */
export function choose(finalists: Evaluated[], limits: Constraints): Choice {
  const shipped = finalists.find((e) => e.candidate.id === 'shipped')!;
  const feasible = finalists.filter((e) => !infeasibility(e.score, limits));
  const best = feasible[0];
  if (!best)
    return {
      chosen: shipped,
      shipped,
      beatsShipped: false,
      reason: `no candidate keeps the limits on the search seeds (shipped: ${infeasibility(shipped.score, limits)})`,
    };
  if (best === shipped)
    return {
      chosen: shipped,
      shipped,
      beatsShipped: false,
      reason: 'no feasible candidate hurt fewer users than the shipped policy on the search seeds',
    };
  const f = best.fresh!;
  const g = shipped.fresh!;
  const fewer = f.usersHurt.value < g.usersHurt.value;
  const fr = (f.falseRollbacks?.value ?? 0) <= (g.falseRollbacks?.value ?? 0);
  const fresh = infeasibility(f, limits);
  if (fewer && fr && !fresh)
    return {
      chosen: best,
      shipped,
      beatsShipped: true,
      reason: `${best.candidate.id} hurts ${f.usersHurt.value.toFixed(2)} users per faulty rehearsal on fresh seeds vs ${g.usersHurt.value.toFixed(2)} shipped, at no more false rollbacks`,
    };
  const why = fresh
    ? `breaks a limit on fresh seeds (${fresh})`
    : !fewer
      ? `does not hurt fewer users on fresh seeds (${f.usersHurt.value.toFixed(2)} vs ${g.usersHurt.value.toFixed(2)} shipped)`
      : `rolls back more healthy releases on fresh seeds (${((f.falseRollbacks?.value ?? 0) * 100).toFixed(1)}% vs ${((g.falseRollbacks?.value ?? 0) * 100).toFixed(1)}% shipped)`;
  return {
    chosen: shipped,
    shipped,
    beatsShipped: false,
    reason: `the best candidate on the search seeds, ${best.candidate.id}, ${why}: keeping the shipped policy`,
  };
}
