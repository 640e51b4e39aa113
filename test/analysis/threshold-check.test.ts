import { describe, expect, it } from 'vitest';
import { AnalysisRun } from '../../sim/analysis/analysis-run.js';
import { thresholdCheckSchema } from '../../sim/analysis/config.js';
import { ThresholdCheck } from '../../sim/analysis/threshold-check.js';
import { parsePromText } from '../../sim/monitor/prom-text.js';
import { Queries } from '../../sim/monitor/queries.js';
import { MetricStore } from '../../sim/monitor/store.js';

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
