import { describe, expect, it } from 'vitest';
import { createCheck } from '../../sim/analysis/checks.js';
import { analysisSchema } from '../../sim/analysis/config.js';
import { WeightHistory } from '../../sim/analysis/weight-history.js';
import { Queries } from '../../sim/monitor/queries.js';
import { MetricStore } from '../../sim/monitor/store.js';
import { binomial } from '../../sim/simulate/draws.js';
import { Random } from '../../sim/util/random.js';
import { FakeMonitoring, type Slice } from '../helpers/fake-monitoring.js';

const versions = { stable: 'v1', candidate: 'v2' };
const defaults = { windowMs: 10_000, noData: 'inconclusive' as const };
const PROBLEMS = Array.from({ length: 14 }, (_, i) => `p${i}`);

function setup(weight: number, yaml: Record<string, unknown> = {}) {
  const store = new MetricStore();
  const weights = new WeightHistory();
  weights.set(0, weight);
  const config = analysisSchema.parse({
    checks: [{ compare: 'rejected_verdicts', by: 'problem', alpha: 0.01, ...yaml }],
  }).checks[0]!;
  const queries = new Queries(store);
  return {
    queries,
    fake: new FakeMonitoring(store),
    check: createCheck(config, { queries, versions, weights, defaults }),
  };
}

/**
 * One second of verdicts at `perSecond` submissions per version split by `share`, every problem alike;
 * `rejects(problem, version)` is the chance a verdict is not Accepted.
 */
function second(
  rng: Random,
  perSecond: number,
  share: number,
  rejects: (problem: string, version: string) => number,
): Record<string, Slice> {
  const out: Record<string, Slice> = {};
  for (const [version, part] of [
    ['v1', 1 - share],
    ['v2', share],
  ] as const) {
    const byProblem: Slice['byProblem'] = {};
    for (const problem of PROBLEMS) {
      const judged = binomial(rng, Math.round((perSecond * part) / 1), 1 / PROBLEMS.length);
      byProblem[problem] = { judged, accepted: judged - binomial(rng, judged, rejects(problem, version)) };
    }
    out[version] = { requests: 0, byProblem };
  }
  return out;
}

describe('the per-problem check', () => {
  it('is told apart from the other kinds and has defaults', () => {
    const parsed = analysisSchema.parse({ checks: [{ compare: 'rejected_verdicts', by: 'problem' }] });
    expect(parsed.checks[0]).toMatchObject({ kind: 'per-problem', alpha: 0.01, minRejected: 3 });
    expect(
      analysisSchema.safeParse({ checks: [{ compare: 'rejected_verdicts', by: 'problem', alpha: 0.7 }] })
        .success,
    ).toBe(false);
  });

  it('catches one broken problem among 14 and names it with the evidence', () => {
    const rng = new Random(3);
    const env = setup(50);
    let failed: { at: number; message: string } | undefined;
    for (let t = 1; t <= 60 && !failed; t++) {
      env.fake.scrape(
        t * 1000,
        second(rng, 24, 0.5, (p, v) => (v === 'v2' && p === 'p4' ? 0.9 : 0.1)),
      );
      const m = t % 2 === 0 ? env.check.measure(t * 1000, 0) : undefined;
      if (m?.phase === 'failed') failed = { at: t, message: m.message ?? '' };
    }
    expect(failed).toBeDefined();
    expect(failed!.message).toMatch(/^p4: v2 rejected \d+ of \d+ verdicts vs v1 \d+ of \d+/);
    expect(failed!.message).toMatch(/× 14 problems/);
  });

  it('keeps its false-alarm rate under α over 14 problems and repeated looks (A/A)', () => {
    let alarms = 0;
    const runs = 200;
    for (let seed = 1; seed <= runs; seed++) {
      const rng = new Random(seed);
      const env = setup(25);
      for (let t = 1; t <= 40; t++) {
        env.fake.scrape(
          t * 1000,
          second(rng, 24, 0.25, () => 0.35),
        );
        if (t % 2 === 0 && env.check.measure(t * 1000, 0).phase === 'failed') {
          alarms++;
          break;
        }
      }
    }
    // α = 0.01: 2 alarms in 200 is the bound's mean; 7 would be far outside it.
    expect(alarms).toBeLessThanOrEqual(7);
  });

  it('needs minRejected rejections of the candidate on the problem before it fails', () => {
    const env = setup(50, { minRejected: 5, alpha: 0.4 });
    const zero = Object.fromEntries(PROBLEMS.map((p) => [p, { judged: 0, accepted: 0 }]));
    env.fake.scrape(1000, { v1: { requests: 0, byProblem: zero }, v2: { requests: 0, byProblem: zero } });
    const slice = (rejected: number): Record<string, Slice> => ({
      v1: { requests: 0, byProblem: { ...zero, p0: { judged: 10, accepted: 10 } } },
      v2: { requests: 0, byProblem: { ...zero, p0: { judged: 10, accepted: 10 - rejected } } },
    });
    env.fake.scrape(2000, slice(4));
    expect(env.check.measure(2000, 0).phase).toBe('successful');
    env.fake.scrape(3000, slice(4));
    expect(env.check.measure(3000, 0).phase).toBe('failed');
  });

  it('follows the no-data policy until both versions have verdicts, then passes with none rejected', () => {
    const env = setup(50);
    env.fake.scrape(1000, { v1: { requests: 0, byProblem: { p0: { judged: 5, accepted: 5 } } } });
    expect(env.check.measure(1000, 0).phase).toBe('inconclusive');
    env.fake.scrape(2000, {
      v1: { requests: 0, byProblem: { p0: { judged: 5, accepted: 5 } } },
      v2: { requests: 0, byProblem: { p0: { judged: 5, accepted: 5 } } },
    });
    expect(env.check.measure(2000, 0)).toMatchObject({ phase: 'successful', value: 1 });
  });

  it('reads verdicts by problem from the judged counter (queries)', () => {
    const env = setup(50);
    env.fake.scrape(1000, { v2: { requests: 0, byProblem: { a: { judged: 0, accepted: 0 } } } });
    env.fake.scrape(2000, { v2: { requests: 0, byProblem: { a: { judged: 7, accepted: 4 } } } });
    expect(env.queries.rejectedVerdictCountsByProblem('v2', 1000, 2000).get('a')).toEqual({
      errors: 3,
      requests: 7,
    });
  });
});
