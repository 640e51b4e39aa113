import { describe, expect, it } from 'vitest';
import { BurnRateCheck, scaledRows } from '../../sim/analysis/burn-rate-check.js';
import { createCheck } from '../../sim/analysis/checks.js';
import { analysisSchema } from '../../sim/analysis/config.js';
import { MannWhitneyCheck } from '../../sim/analysis/mann-whitney-check.js';
import { WeightHistory } from '../../sim/analysis/weight-history.js';
import { Queries } from '../../sim/monitor/queries.js';
import { MetricStore } from '../../sim/monitor/store.js';
import { FakeMonitoring, type Slice } from '../helpers/fake-monitoring.js';

const versions = { stable: 'v1', candidate: 'v2' };
const defaults = { windowMs: 10_000, noData: 'inconclusive' as const };

function setup() {
  const store = new MetricStore();
  return {
    store,
    queries: new Queries(store),
    fake: new FakeMonitoring(store),
    weights: new WeightHistory(),
  };
}

function build(yaml: unknown, env: ReturnType<typeof setup>) {
  const config = analysisSchema.parse({ checks: [yaml] }).checks[0]!;
  return createCheck(config, { queries: env.queries, versions, weights: env.weights, defaults });
}

/** Scrapes every second from 1 s to `seconds` with the slices `at(t)` gives. */
function run(
  env: ReturnType<typeof setup>,
  seconds: number,
  at: (t: number) => Record<string, Slice>,
  from = 1,
) {
  for (let t = from; t <= seconds; t++) env.fake.scrape(t * 1000, at(t));
}

describe('analysis configuration', () => {
  it('tells check kinds apart and reports problems against the kind’s own fields', () => {
    const parsed = analysisSchema.parse({
      checks: [
        { metric: 'error_rate', max: 0.01 },
        { compare: 'error_rate', test: 'sequential' },
        { compare: 'latency', test: 'mann-whitney' },
        { slo: 'availability', objective: 0.999 },
      ],
    });
    expect(parsed.checks.map((c) => c.kind)).toEqual([
      'threshold',
      'sequential',
      'mann-whitney',
      'burn-rate',
    ]);
    const bad = analysisSchema.safeParse({
      checks: [{ compare: 'error_rate', test: 'sequential', alpha: 2 }, { nonsense: 1 }],
    });
    expect(bad.success).toBe(false);
    const paths = bad.error!.issues.map((i) => i.path.join('.'));
    expect(paths).toContain('checks.0.alpha');
    expect(bad.error!.issues.find((i) => i.path.join('.') === 'checks.1')?.message).toMatch(
      /must be a check/,
    );
  });
});

describe('threshold checks', () => {
  it('fail above the bound and name the value, version and basis', () => {
    const env = setup();
    run(env, 10, () => ({ v2: { requests: 20, errors: 2 } }));
    const m = build({ metric: 'error_rate', max: 0.01 }, env).measure(10_000, 0);
    expect(m.phase).toBe('failed');
    expect(m.value).toBeCloseTo(0.1, 6);
    expect(m.message).toMatch(/error_rate of v2 = 0.1000 ratio over 200 requests, above 0.01/);
  });

  it('no data is inconclusive by default, never a silent pass; the policy is explicit', () => {
    const env = setup();
    expect(build({ metric: 'error_rate', max: 0.01 }, env).measure(10_000, 0).phase).toBe('inconclusive');
    expect(build({ metric: 'error_rate', max: 0.01, noData: 'fail' }, env).measure(10_000, 0).phase).toBe(
      'failed',
    );
    const ignored = build({ metric: 'error_rate', max: 0.01, noData: 'ignore' }, env).measure(10_000, 0);
    expect(ignored.phase).toBe('successful');
    expect(ignored.message).toMatch(/noData: ignore/);
  });

  it('business metrics: acceptance rate from verdicts, queue depth as a gauge', () => {
    const env = setup();
    run(env, 10, () => ({ v2: { requests: 10, judged: 10, accepted: 3, queueDepth: 7 } }));
    const acceptance = build({ metric: 'acceptance_rate', min: 0.5 }, env).measure(10_000, 0);
    expect(acceptance.phase).toBe('failed');
    expect(acceptance.value).toBeCloseTo(0.3, 6);
    expect(acceptance.message).toMatch(/over 100 verdicts, below 0.5/);
    const queue = build({ metric: 'judge_queue_depth', max: 5 }, env).measure(10_000, 0);
    expect(queue.phase).toBe('failed');
    expect(queue.value).toBe(7);
  });
});

describe('the sequential check', () => {
  it('fails a canary that errs five times as often, and cites the evidence', () => {
    const env = setup();
    env.weights.set(0, 20);
    const check = build({ compare: 'error_rate', test: 'sequential', alpha: 0.01, prior: 10 }, env);
    let failedAt: number | undefined;
    for (let t = 1; t <= 30 && failedAt === undefined; t++) {
      env.fake.scrape(t * 1000, {
        v1: { requests: 32, errors: t % 3 === 0 ? 1 : 0 },
        v2: { requests: 8, errors: t % 2 === 0 ? 1 : 0 },
      });
      if (t % 2 === 0 && check.measure(t * 1000, 0).phase === 'failed') failedAt = t;
    }
    expect(failedAt).toBeDefined();
    expect(failedAt!).toBeLessThanOrEqual(30);
  });

  it('passes an A/A pair and cuts its intervals at weight changes', () => {
    const env = setup();
    env.weights.set(0, 20);
    env.weights.set(10_500, 50);
    const check = build({ compare: 'error_rate', test: 'sequential', alpha: 0.01 }, env);
    const phases: string[] = [];
    for (let t = 1; t <= 20; t++) {
      const w = t <= 10 ? 0.2 : 0.5;
      env.fake.scrape(t * 1000, {
        v1: { requests: Math.round(40 * (1 - w)), errors: t % 4 === 0 ? 1 : 0 },
        v2: { requests: Math.round(40 * w), errors: t % 9 === 0 ? 1 : 0 },
      });
      if (t % 2 === 0) phases.push(check.measure(t * 1000, 0).phase);
    }
    expect(phases.every((p) => p === 'successful')).toBe(true);
  });

  it('with no traffic on the candidate it follows the no-data policy', () => {
    const env = setup();
    run(env, 4, () => ({ v1: { requests: 10 } }));
    expect(build({ compare: 'error_rate', test: 'sequential' }, env).measure(4000, 0).phase).toBe(
      'inconclusive',
    );
  });

  it('counts shadow copies mirrored to the candidate', () => {
    const env = setup();
    env.weights.set(0, 0);
    const check = build({ compare: 'error_rate', test: 'sequential', alpha: 0.05, prior: 10 }, env);
    let phase = '';
    for (let t = 1; t <= 12; t++) {
      env.fake.scrape(t * 1000, {
        v1: { requests: 40, errors: t === 6 ? 1 : 0 },
        v2: { requests: 0, mirrored: 40, mirrorErrors: 2 },
      });
      phase = check.measure(t * 1000, 0).phase;
      if (phase === 'failed') break;
    }
    expect(phase).toBe('failed');
  });
});

describe('the Mann-Whitney check', () => {
  const config = {
    compare: 'latency' as const,
    test: 'mann-whitney' as const,
    alpha: 0.02,
    allowedIncrease: 1.2,
    quantile: 0.5,
    minSamples: 50,
    failureLimit: 0,
  };

  it('fails a canary 300 ms slower', () => {
    const env = setup();
    run(env, 10, () => ({
      v1: { requests: 30, latencyMs: (i) => 15 + (i % 10) },
      v2: { requests: 10, latencyMs: (i) => 320 + (i % 10) },
    }));
    const m = new MannWhitneyCheck(config, env.queries, versions, defaults).measure(10_000, 0);
    expect(m.phase).toBe('failed');
    expect(m.message).toMatch(/canary slower/);
  });

  it('passes when both have the same distribution', () => {
    const env = setup();
    run(env, 10, () => ({
      v1: { requests: 30, latencyMs: (i) => (i % 3 === 0 ? 8 : 40) },
      v2: { requests: 10, latencyMs: (i) => (i % 3 === 0 ? 8 : 40) },
    }));
    expect(new MannWhitneyCheck(config, env.queries, versions, defaults).measure(10_000, 0).phase).toBe(
      'successful',
    );
  });

  it('too few samples follows the no-data policy', () => {
    const env = setup();
    run(env, 2, () => ({ v1: { requests: 30 }, v2: { requests: 10 } }));
    const m = new MannWhitneyCheck(config, env.queries, versions, defaults).measure(2000, 0);
    expect(m.phase).toBe('inconclusive');
    expect(m.message).toMatch(/fewer than minSamples 50/);
  });
});

describe('the burn-rate check', () => {
  const base = {
    slo: 'availability' as const,
    objective: 0.999,
    version: 'candidate' as const,
    failureLimit: 0,
    severities: ['page' as const, 'ticket' as const],
  };

  it('scales the workbook windows by period / 30 days and keeps them above minWindow', () => {
    const rows = scaledRows({ period: 6 * 3_600_000, minWindow: 2000, severities: ['page', 'ticket'] });
    expect(rows).toEqual([
      { severity: 'page', burnRate: 14.4, longMs: 30_000, shortMs: 2500 },
      { severity: 'page', burnRate: 6, longMs: 180_000, shortMs: 15_000 },
      { severity: 'ticket', burnRate: 1, longMs: 2_160_000, shortMs: 180_000 },
    ]);
    expect(scaledRows({ period: 3_600_000, minWindow: 2000, severities: ['page'] })[0]).toEqual({
      severity: 'page',
      burnRate: 14.4,
      longMs: 5000,
      shortMs: 2000,
    });
  });

  it('pages only when both windows of a row burn faster than its rate', () => {
    const env = setup();
    // 2% errors against a 0.1% budget: burn 20× > 14.4×.
    run(env, 30, () => ({ v2: { requests: 50, errors: 1 } }));
    const check = new BurnRateCheck(
      { ...base, period: 6 * 3_600_000, minWindow: 2000, severities: ['page'] },
      env.queries,
      versions,
      defaults,
    );
    const m = check.measure(30_000, 0);
    expect(m.phase).toBe('failed');
    expect(m.message).toMatch(/page alert/);
  });

  it('a short spike that has stopped does not page (the short window has recovered)', () => {
    const env = setup();
    run(env, 30, (t) => ({ v2: { requests: 50, errors: t <= 10 ? 2 : 0 } }));
    const check = new BurnRateCheck(
      { ...base, period: 6 * 3_600_000, minWindow: 2000, severities: ['page'] },
      env.queries,
      versions,
      defaults,
    );
    expect(check.measure(30_000, 0).phase).toBe('successful');
  });
  it('low traffic: one failed request of a dozen does not page (minRequests, minErrors)', () => {
    const env = setup();
    // About 13 candidate requests in the 2.5 s short window and one failure: a "burn" of ~77×.
    run(env, 30, (t) => ({ v2: { requests: 5, errors: t === 29 ? 1 : 0 } }));
    const check = (extra: object = {}) =>
      new BurnRateCheck(
        analysisSchema.parse({
          checks: [{ ...base, period: '6h', severities: ['page'], ...extra }],
        }).checks[0] as never,
        env.queries,
        versions,
        defaults,
      );
    // Without the guard (what the check did before): pages on the one failure.
    expect(check({ minRequests: 1, minErrors: 1 }).measure(30_000, 0).phase).toBe('failed');
    const guarded = check().measure(30_000, 0);
    expect(guarded.phase).toBe('successful');
    expect(guarded.message).toMatch(/fewer than minRequests 20 \(inconclusive\)/);
    expect(guarded.message).toMatch(/fewer than minErrors 3: not paging/);
    // Enough requests but too few failures: the row does not page either.
    expect(check({ minRequests: 10 }).measure(30_000, 0).phase).toBe('successful');
  });

  it('a window too thin to judge in every row follows the no-data policy, never a silent pass', () => {
    const env = setup();
    run(env, 3, () => ({ v2: { requests: 3, errors: 1 } }));
    const config = analysisSchema.parse({ checks: [{ ...base, period: '6h', severities: ['page'] }] })
      .checks[0] as never;
    const m = new BurnRateCheck(config, env.queries, versions, defaults).measure(3000, 0);
    expect(m.phase).toBe('inconclusive');
    expect(m.message).toMatch(
      /too few requests for v2 to judge a burn rate: page 30.00s\/2.50s: 9 requests in the short window, fewer than minRequests 20/,
    );
  });

  it('still pages on a real burn at low traffic once the errors are there', () => {
    const env = setup();
    run(env, 30, () => ({ v2: { requests: 8, errors: 1 } }));
    const config = analysisSchema.parse({ checks: [{ ...base, period: '6h', severities: ['page'] }] })
      .checks[0] as never;
    const m = new BurnRateCheck(config, env.queries, versions, defaults).measure(30_000, 0);
    expect(m.phase).toBe('failed');
  });
});
