import { describe, expect, it } from 'vitest';
import { AnalysisRun } from '../../sim/analysis/analysis-run.js';
import { thresholdCheckSchema } from '../../sim/analysis/config.js';
import { ThresholdCheck } from '../../sim/analysis/threshold-check.js';
import { monitoringProblem } from '../../sim/engine/monitoring-source.js';
import { parsePromText } from '../../sim/monitor/prom-text.js';
import type { PrometheusSource } from '../../sim/monitor/prometheus.js';
import { defaultPromQL, type PromQLArgs, type PromQLMetric } from '../../sim/monitor/promql.js';
import { Queries, type QueryValue } from '../../sim/monitor/queries.js';
import { MetricStore } from '../../sim/monitor/store.js';
import { scenarioSchema } from '../../sim/scenario/schema.js';

const versions = { stable: 'v1', candidate: 'v2' };

/** A store where v2 served `ok` and `bad` requests per second from t=0 to `seconds`. */
function storeWith(perSecond: { ok: number; bad: number }, seconds: number): MetricStore {
  const store = new MetricStore();
  for (let s = 0; s <= seconds; s++) {
    store.add(
      s * 1000,
      parsePromText(
        `rehearsal_router_requests_total{version="v2",code="200"} ${perSecond.ok * s}\nrehearsal_router_requests_total{version="v2",code="500"} ${perSecond.bad * s}\n`,
      ),
    );
  }
  return store;
}

function check(
  config: Record<string, unknown>,
  store: MetricStore,
  noData: 'fail' | 'inconclusive' | 'ignore' = 'inconclusive',
) {
  return new ThresholdCheck(thresholdCheckSchema.parse(config), new Queries(store), versions, {
    windowMs: 5000,
    noData,
  });
}

describe('threshold check', () => {
  it('passes under the bound and fails above it, with the value and request count in the message', () => {
    const good = check({ metric: 'error_rate', max: 0.01 }, storeWith({ ok: 20, bad: 0 }, 10)).measure(
      10_000,
      0,
    );
    expect(good).toMatchObject({ phase: 'successful', value: 0, requests: 100 });
    const bad = check({ metric: 'error_rate', max: 0.01 }, storeWith({ ok: 19, bad: 1 }, 10)).measure(
      10_000,
      0,
    );
    expect(bad).toMatchObject({ phase: 'failed', value: 0.05, requests: 100 });
    expect(bad.message).toContain('above 0.01');
  });

  it('looks only at data since the candidate took traffic', () => {
    const m = check({ metric: 'error_rate', max: 0.01 }, storeWith({ ok: 19, bad: 1 }, 10)).measure(
      10_000,
      9000,
    );
    expect(m.requests).toBe(20);
  });

  it('applies the noData policy: inconclusive, fail, or an explicit ignore that says so', () => {
    const empty = new MetricStore();
    expect(check({ metric: 'error_rate', max: 0.01 }, empty).measure(5000, 0).phase).toBe('inconclusive');
    expect(check({ metric: 'error_rate', max: 0.01 }, empty, 'fail').measure(5000, 0).phase).toBe('failed');
    const ignored = check({ metric: 'error_rate', max: 0.01 }, empty, 'ignore').measure(5000, 0);
    expect(ignored.phase).toBe('successful');
    expect(ignored.message).toContain('noData: ignore');
    // a per-check policy beats the analysis default
    expect(check({ metric: 'error_rate', max: 0.01, noData: 'fail' }, empty).measure(5000, 0).phase).toBe(
      'failed',
    );
  });

  it('treats too few requests as no data (minRequests)', () => {
    const m = check(
      { metric: 'error_rate', max: 0.01, minRequests: 500 },
      storeWith({ ok: 20, bad: 0 }, 10),
    ).measure(10_000, 0);
    expect(m.phase).toBe('inconclusive');
    expect(m.message).toContain('fewer than minRequests 500');
  });

  it('does not fail a ratio on fewer bad requests than minFailures (one error in 60 is noise, not 1.7%)', () => {
    // 100 requests in the window, 5 of them failed: 5% against a 1% bound.
    const store = storeWith({ ok: 19, bad: 1 }, 10);
    const spared = check({ metric: 'error_rate', max: 0.01, minFailures: 6 }, store).measure(10_000, 0);
    expect(spared).toMatchObject({ phase: 'successful', value: 0.05, requests: 100 });
    expect(spared.message).toContain('5 past the bound, fewer than minFailures 6');
    const failed = check({ metric: 'error_rate', max: 0.01, minFailures: 5 }, store).measure(10_000, 0);
    expect(failed.phase).toBe('failed');
    // latency is no ratio: the guard does not apply
    expect(thresholdCheckSchema.parse({ metric: 'error_rate', max: 0.01 }).minFailures).toBe(1);
  });

  it('requires a bound', () => {
    expect(thresholdCheckSchema.safeParse({ metric: 'error_rate' }).success).toBe(false);
  });
});

describe('analysis run', () => {
  it('fails only after more failures than failureLimit', () => {
    const run = new AnalysisRun([
      check({ metric: 'error_rate', max: 0.01, failureLimit: 2 }, storeWith({ ok: 9, bad: 1 }, 10)),
    ]);
    expect(run.round(2000, 0).decision).toBe('continue');
    expect(run.round(4000, 0).decision).toBe('continue');
    const third = run.round(6000, 0);
    expect(third.decision).toBe('fail');
    expect(third.reason).toContain('error_rate of v2 = 0.1000');
  });

  it('fails on consecutive failures when a consecutiveFailureLimit is set', () => {
    const run = new AnalysisRun([
      check(
        { metric: 'error_rate', max: 0.01, failureLimit: 100, consecutiveFailureLimit: 2 },
        storeWith({ ok: 9, bad: 1 }, 10),
      ),
    ]);
    expect(run.round(2000, 0).decision).toBe('continue');
    expect(run.round(4000, 0).decision).toBe('fail');
  });

  it('goes inconclusive past the inconclusiveLimit, and knows which checks never passed', () => {
    const run = new AnalysisRun([
      check({ metric: 'error_rate', max: 0.01, inconclusiveLimit: 1 }, new MetricStore()),
    ]);
    expect(run.round(2000, 0).decision).toBe('continue');
    expect(run.round(4000, 0).decision).toBe('inconclusive');
    expect(run.unproven(0)).toEqual(['candidate error_rate <= 0.01']);
  });
});

describe('threshold check on PromQL (monitoring.source prometheus)', () => {
  const parse = (c: Record<string, unknown>) => thresholdCheckSchema.parse(c);
  /** A source answering each rendered query from `answers`, recording what it was asked. */
  function source(answer: (args: PromQLArgs) => QueryValue | undefined | Error) {
    const asked: { metric: PromQLMetric; args: PromQLArgs }[] = [];
    const s = {
      evaluate: async (metric: PromQLMetric, args: PromQLArgs) => {
        asked.push({ metric, args });
        const a = answer(args);
        if (a instanceof Error) throw a;
        return a;
      },
    } as unknown as PrometheusSource;
    return { s, asked };
  }
  const build = (c: Record<string, unknown>, s: PrometheusSource) =>
    new ThresholdCheck(
      parse(c),
      new Queries(new MetricStore()),
      versions,
      { windowMs: 5000, noData: 'inconclusive' },
      {
        source: s,
        intervalMs: 2000,
        minRangeMs: 3000,
      },
    );

  it('takes exactly one of metric or query, and names unknown placeholders', () => {
    expect(() => parse({ max: 1 })).toThrow(/exactly one of metric .* or query/);
    expect(() => parse({ metric: 'error_rate', query: 'up', max: 1 })).toThrow(/exactly one of metric/);
    expect(() => parse({ query: 'x{v="{{canary}}"}', max: 1 })).toThrow(
      /unknown placeholder\(s\) \{\{canary\}\}/,
    );
    expect(() => parse({ metric: 'error_rate', requestsQuery: 'up', max: 1 })).toThrow(/go with query/);
  });

  it('refuses a PromQL check when there is no Prometheus (the built-in store, rehearse simulate)', () => {
    expect(
      () =>
        new ThresholdCheck(parse({ query: 'up', max: 1 }), new Queries(new MetricStore()), versions, {
          windowMs: 5000,
          noData: 'inconclusive',
        }),
    ).toThrow(/needs monitoring.source prometheus/);
  });

  it('measures a built-in metric through its default PromQL, over the window, for the checked version', async () => {
    const { s, asked } = source(() => ({ value: 0.2, requests: 40 }));
    const c = build({ metric: 'error_rate', max: 0.01 }, s);
    await c.prepare!(10_000, 0);
    const m = c.measure(10_000, 0);
    expect(m).toMatchObject({ phase: 'failed', value: 0.2, requests: 40 });
    expect(m.message).toBe('error_rate of v2 = 0.2000 ratio over 40 requests (Prometheus), above 0.01');
    expect(asked[0]!.metric).toBe(defaultPromQL.error_rate);
    expect(asked[0]!.args).toEqual({ version: 'v2', windowMs: 5000, intervalMs: 2000 });
  });

  it('gives a short window at least minRangeMs, applies minRequests, and maps no data to the noData policy', async () => {
    const { s, asked } = source(() => ({ value: 0, requests: 4 }));
    const c = build(
      { query: 'sum(up{version="{{version}}"})', requestsQuery: 'sum(up)', max: 1, version: 'stable' },
      s,
    );
    await c.prepare!(11_000, 10_000);
    expect(asked[0]!.args).toEqual({ version: 'v1', windowMs: 3000, intervalMs: 2000 });
    expect(c.measure(11_000, 10_000)).toMatchObject({ phase: 'inconclusive', message: /only 4 requests/ });
    const none = build({ query: 'up', max: 1, noData: 'fail' }, source(() => undefined).s);
    await none.prepare!(5000, 0);
    expect(none.measure(5000, 0)).toMatchObject({ phase: 'failed', message: /no data for v2/ });
  });

  it('a Prometheus error is an error measurement with its reason; a round never fetched is one too', async () => {
    const c = build({ metric: 'latency_p95_ms', max: 500 }, source(() => new Error('connection refused')).s);
    await c.prepare!(6000, 0);
    expect(c.measure(6000, 0)).toMatchObject({ phase: 'error', message: 'Prometheus: connection refused' });
    expect(c.measure(8000, 0)).toMatchObject({ phase: 'error', message: /no Prometheus answer fetched/ });
  });

  it('the analysis run fetches before a round when a check asks Prometheus, and not otherwise', async () => {
    const { s, asked } = source(() => ({ value: 0.001, requests: 100 }));
    const run = new AnalysisRun([build({ metric: 'error_rate', max: 0.01 }, s)]);
    expect(run.fetches).toBe(true);
    await run.prepare(4000, 0);
    expect(run.round(4000, 0).decision).toBe('continue');
    expect(asked).toHaveLength(1);
    expect(new AnalysisRun([check({ metric: 'error_rate', max: 0.01 }, new MetricStore())]).fetches).toBe(
      false,
    );
  });
});

describe('which checks a monitoring source can measure', () => {
  const scenario = (monitoring: Record<string, unknown>, checks: unknown[]) =>
    scenarioSchema.parse({
      name: 'x',
      traffic: { profile: { type: 'constant', rate: 1 }, duration: '5s' },
      monitoring,
      strategy: { type: 'canary', steps: [{ setWeight: 50 }], analysis: { checks } },
      expect: { outcome: 'promoted' },
    });

  it('Prometheus: threshold checks only; built-in store: no PromQL', () => {
    expect(
      monitoringProblem(scenario({ source: 'prometheus' }, [{ metric: 'error_rate', max: 0.01 }])),
    ).toBeUndefined();
    expect(
      monitoringProblem(scenario({ source: 'prometheus' }, [{ compare: 'error_rate', test: 'sequential' }])),
    ).toMatch(/checks\[0\]: a sequential check .* has no PromQL form/);
    expect(monitoringProblem(scenario({}, [{ query: 'up', max: 1 }]))).toMatch(
      /checks\[0\]\.query: PromQL needs monitoring.source prometheus/,
    );
  });

  it('url needs source prometheus', () => {
    expect(() => scenario({ url: 'http://127.0.0.1:9090' }, [])).toThrow(
      /url is the address of a Prometheus/,
    );
    expect(scenario({ source: 'prometheus', url: 'http://127.0.0.1:9090' }, []).monitoring.url).toBe(
      'http://127.0.0.1:9090',
    );
  });
});
