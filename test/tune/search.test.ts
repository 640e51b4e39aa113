import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { parseScenario } from '../../sim/scenario/load.js';
import type { Scenario } from '../../sim/scenario/schema.js';
import { resolveModel } from '../../sim/simulate/model.js';
import {
  type Constraints,
  choose,
  dominates,
  type Evaluated,
  FRESH_OFFSET,
  infeasibility,
  paretoFront,
  rank,
  type Score,
  search,
  seedRanges,
  stageRuns,
} from '../../sim/tune/search.js';
import { type Candidate, candidates, type StrategyPatch } from '../../sim/tune/space.js';

const root = join(import.meta.dirname, '../..');
const files = ['scenarios/canary-error-spike.yaml', 'scenarios/canary-healthy.yaml'];
const texts = files.map((f) => readFileSync(join(root, f), 'utf8'));
const shipped = (() => {
  const s = (parseDocument(texts[0]!).toJS() as { strategy: StrategyPatch }).strategy;
  return { steps: s.steps, analysis: s.analysis };
})();

function patch(c: Candidate): Scenario[] {
  return texts.map((t, i) => {
    const doc = parseDocument(t);
    doc.setIn(['strategy', 'steps'], doc.createNode(c.patch.steps));
    doc.setIn(['strategy', 'analysis'], doc.createNode(c.patch.analysis));
    const r = parseScenario(doc.toString(), files[i]!);
    if (!r.scenario) throw new Error(r.problems.join('\n'));
    return r.scenario;
  });
}

/** A score with the given objectives (users hurt, rollback p50 ms, false-rollback rate, release p50 ms). */
function s(hurt: number, rollback: number, fr: number, release: number): Score {
  return {
    runs: 100,
    usersHurt: { value: hurt, n: 100, ci95: [hurt, hurt] },
    timeToRollbackMs: { value: rollback, ci95: [rollback, rollback] },
    detection: { value: 1, successes: 100, trials: 100, ci95: [0.96, 1] },
    falseRollbacks: { value: fr, successes: Math.round(fr * 100), trials: 100, ci95: [0, 1] },
    releaseMs: { value: release, ci95: [release, release] },
    outcomes: {},
  };
}
const e = (id: string, score: Score, fresh?: Score): Evaluated => ({
  candidate: { id, patch: shipped },
  score,
  stage: 2,
  ...(fresh ? { fresh } : {}),
});
const limits: Constraints = { maxFalseRollbacks: 0.01, maxReleaseMs: 25_000 };

describe('the candidate space', () => {
  it('is the same list for the same seed, another for another, always led by the shipped policy, without duplicates', () => {
    const a = candidates(shipped, 30, 5);
    expect(candidates(shipped, 30, 5)).toEqual(a);
    expect(candidates(shipped, 30, 6)).not.toEqual(a);
    expect(a[0]).toEqual({ id: 'shipped', patch: shipped });
    expect(new Set(a.map((c) => JSON.stringify(c.patch))).size).toBe(a.length);
    expect(a).toHaveLength(30);
  });

  it('draws policies every scenario accepts (validated by the scenario schema)', () => {
    for (const c of candidates(shipped, 30, 11)) expect(() => patch(c)).not.toThrow();
  });
});

describe('seeds', () => {
  it('fresh seeds are disjoint from the search seeds at the largest --runs', () => {
    const { search: a, fresh: b } = seedRanges(42, 100_000);
    expect(a).toEqual([42, 100_042]);
    expect(b[0]).toBe(42 + FRESH_OFFSET);
    expect(b[0]).toBeGreaterThanOrEqual(a[1]);
  });

  it('successive halving grows the runs per stage up to --runs', () => {
    expect(stageRuns(200)).toEqual([25, 67, 200]);
    expect(stageRuns(4)).toEqual([2, 3, 4]);
  });
});

describe('constraints, ranking and the Pareto front', () => {
  it('a candidate over the false-rollback target or the release budget is infeasible and ranks below every feasible one', () => {
    expect(infeasibility(s(1, 1, 0.02, 1), limits)).toMatch(/false rollbacks 2.0% > 1.0%/);
    expect(infeasibility(s(1, 1, 0, 30_000), limits)).toMatch(/release p50 30.0s > 25.0s/);
    expect(infeasibility(s(9, 9, 0.01, 9), limits)).toBeUndefined();
    const ranked = rank(
      [e('bad', s(0, 0, 0.05, 0)), e('ok', s(9, 9, 0, 9)), e('best', s(3, 9, 0, 9))],
      limits,
    );
    expect(ranked.map((x) => x.candidate.id)).toEqual(['best', 'ok', 'bad']);
  });

  it('keeps exactly the non-dominated candidates', () => {
    const items = [
      e('a', s(1, 10, 0, 20)),
      e('b', s(2, 5, 0, 20)),
      e('c', s(2, 10, 0, 20)), // dominated by a and b
      e('d', s(3, 12, 0, 10)),
      e('a2', s(1, 10, 0, 20)), // equal to a: neither dominates
    ];
    expect(dominates(items[0]!.score, items[2]!.score)).toBe(true);
    expect(dominates(items[0]!.score, items[4]!.score)).toBe(false);
    expect(paretoFront(items).map((x) => x.candidate.id)).toEqual(['a', 'b', 'd', 'a2']);
  });

  it('chooses on the search seeds and keeps the shipped policy when the choice does not hold on fresh seeds', () => {
    const held = choose(
      [e('c1', s(2, 5, 0, 9), s(2, 5, 0, 9)), e('shipped', s(4, 9, 0, 9), s(4, 9, 0, 9))],
      limits,
    );
    expect(held.beatsShipped).toBe(true);
    expect(held.chosen.candidate.id).toBe('c1');
    const overfit = choose(
      [e('c1', s(2, 5, 0, 9), s(5, 5, 0, 9)), e('shipped', s(4, 9, 0, 9), s(4, 9, 0, 9))],
      limits,
    );
    expect(overfit.beatsShipped).toBe(false);
    expect(overfit.chosen.candidate.id).toBe('shipped');
    expect(overfit.reason).toMatch(/c1, does not hurt fewer users on fresh seeds/);
    const noisier = choose(
      [e('c1', s(2, 5, 0, 9), s(1, 5, 0.02, 9)), e('shipped', s(4, 9, 0, 9), s(4, 9, 0, 9))],
      limits,
    );
    expect(noisier.beatsShipped).toBe(false);
    expect(noisier.reason).toMatch(/breaks a limit on fresh seeds \(false rollbacks 2.0%/);
  });
});

describe('search (real simulator, small budget)', () => {
  const model = resolveModel(undefined).model;
  const run = () =>
    search(candidates(shipped, 5, 3), patch, model, { runs: 8, limits, finalists: 2, base: (x) => x.seed });

  it('is deterministic given the seed, keeps the shipped policy to the end and scores the finalists on fresh seeds', async () => {
    const a = await run();
    const b = await run();
    expect(b).toEqual(a);
    expect(a.evaluated).toHaveLength(5);
    expect(a.finalists.map((f) => f.candidate.id)).toContain('shipped');
    for (const f of a.finalists) {
      expect(f.score.runs).toBe(8);
      expect(f.fresh!.runs).toBe(8);
      expect(f.score.falseRollbacks!.trials).toBe(8);
      expect(f.score.usersHurt.n).toBe(8);
    }
    // The same candidate on other seeds gives other draws: the fresh column is not a copy of the search column.
    expect(a.finalists.some((f) => JSON.stringify(f.fresh) !== JSON.stringify(f.score))).toBe(true);
  }, 60_000);
});
