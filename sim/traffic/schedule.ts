import type { Scenario } from '../scenario/schema.js';
import { Random } from '../util/random.js';
import { type VerdictName, verdicts } from '../vocabulary/verdicts.js';
import type { Corpus, CorpusSolution } from './corpus.js';
import type { RequestKind } from './record.js';
import type { User } from './users.js';

/** One request of the open-model schedule, fixed by the seed before traffic starts. */
export interface PlannedRequest {
  seq: number;
  /** Intended send time, ms from the start of traffic. */
  at: number;
  kind: RequestKind;
  user: User;
  solution?: CorpusSolution;
  /** A uniform draw used to pick which earlier submission a poll asks about. */
  pick: number;
}

/** The verdict mix of submissions when a scenario does not set one. */
export const defaultVerdictMix: Partial<Record<VerdictName, number>> = {
  accepted: 0.65,
  'wrong-answer': 0.25,
  'runtime-error': 0.05,
  'compilation-error': 0.05,
};

/** Arrival rate in requests per second at `t` ms. */
export function rateAt(traffic: Scenario['traffic'], t: number): number {
  const p = traffic.profile;
  if (p.type === 'constant') return p.rate;
  return p.from + (p.to - p.from) * Math.min(1, t / traffic.duration);
}

/** The whole schedule of a scenario's traffic, deterministic given the seed. */
export function planTraffic(
  traffic: Scenario['traffic'],
  seed: number,
  users: User[],
  corpus: Corpus,
): PlannedRequest[] {
  const rng = new Random(seed).fork('traffic');
  const mix = traffic.verdicts ?? defaultVerdictMix;
  // Judge0 traffic sends programs: only the solutions that have one (see CorpusSolution.program).
  const solutions = (v: VerdictName) =>
    (corpus.byVerdict.get(v) ?? []).filter((s) => traffic.api !== 'judge0' || s.program !== undefined);
  const pools = new Map(verdicts.map((v) => [v, solutions(v)]));
  const available = Object.fromEntries(
    Object.entries(mix).filter(([v, w]) => (w ?? 0) > 0 && (pools.get(v as VerdictName)?.length ?? 0) > 0),
  ) as Record<VerdictName, number>;
  if (Object.keys(available).length === 0) available.accepted = 1;
  const kinds = { submit: traffic.mix.submit, poll: traffic.mix.poll, leaderboard: traffic.mix.leaderboard };
  const out: PlannedRequest[] = [];
  let t = 0;
  for (let seq = 0; ; seq++) {
    const rate = Math.max(rateAt(traffic, t), 0.01);
    t += traffic.arrivals === 'uniform' ? 1000 / rate : rng.exponential(1000 / rate);
    if (t >= traffic.duration) break;
    const kind = rng.weighted(kinds);
    const user = users[rng.int(users.length)]!;
    const pick = rng.next();
    let solution: CorpusSolution | undefined;
    if (kind === 'submit') {
      const list = pools.get(rng.weighted(available))!;
      // One draw either way, so popularity changes which solution, never the rest of the plan.
      solution = traffic.problems
        ? byPopularity(list, traffic.problems, rng.next())
        : list[rng.int(list.length)];
    }
    out.push({ seq, at: t, kind, user, pick, ...(solution ? { solution } : {}) });
  }
  return out;
}

/** Weight of a problem under `traffic.problems`: its popularity, 1 when not named. */
export function popularity(problems: Record<string, number> | undefined, problemId: string): number {
  return problems?.[problemId] ?? 1;
}

/** One of `list`'s solutions, each as likely as its problem is popular; `u` uniform in [0, 1). */
function byPopularity(list: CorpusSolution[], problems: Record<string, number>, u: number): CorpusSolution {
  const total = list.reduce((sum, s) => sum + popularity(problems, s.problemId), 0);
  let x = u * total;
  for (const s of list) {
    x -= popularity(problems, s.problemId);
    if (x < 0) return s;
  }
  return list[list.length - 1]!;
}
