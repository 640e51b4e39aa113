import { afterEach, describe, expect, it } from 'vitest';
import { LATENCY_BUCKETS, RouterMetrics } from '../../sim/router/metrics.js';
import {
  metricValue,
  parallel,
  parseMetrics,
  startTestRouter,
  startUpstream,
  type TestRouter,
  type TestUpstream,
  table,
} from './helpers.js';

describe('RouterMetrics', () => {
  it('renders cumulative histogram buckets, sum and count per version', () => {
    const metrics = new RouterMetrics();
    const v1 = metrics.version('v1');
    for (const s of [0.0005, 0.003, 0.003, 0.2, 12]) v1.observe(s);
    v1.upstreamError('timeout');
    metrics.version('v2').mirror('200');
    metrics.instance('v1', 'v1-0').set(200, 4);
    const samples = parseMetrics(metrics.render());
    const bucket = (le: string) =>
      metricValue(samples, 'rehearsal_router_request_duration_seconds_bucket', { version: 'v1', le });
    expect(bucket('0.001')).toBe(1);
    expect(bucket('0.005')).toBe(3);
    expect(bucket('0.2')).toBe(4);
    expect(bucket('10')).toBe(4);
    expect(bucket('+Inf')).toBe(5);
    expect(samples.filter((s) => s.name.endsWith('_bucket') && s.labels.version === 'v1')).toHaveLength(
      LATENCY_BUCKETS.length + 1,
    );
    expect(metricValue(samples, 'rehearsal_router_request_duration_seconds_count', { version: 'v1' })).toBe(
      5,
    );
    expect(
      metricValue(samples, 'rehearsal_router_request_duration_seconds_sum', { version: 'v1' }),
    ).toBeCloseTo(12.2065);
    expect(
      metricValue(samples, 'rehearsal_router_upstream_errors_total', { version: 'v1', kind: 'timeout' }),
    ).toBe(1);
    expect(
      metricValue(samples, 'rehearsal_router_mirror_requests_total', { version: 'v2', code: '200' }),
    ).toBe(1);
    expect(
      metricValue(samples, 'rehearsal_router_requests_total', {
        version: 'v1',
        instance: 'v1-0',
        code: '200',
      }),
    ).toBe(4);
  });
});

describe('GET /metrics', () => {
  let router: TestRouter | undefined;
  let upstreams: TestUpstream[] = [];
  afterEach(async () => {
    await router?.close();
    await Promise.all(upstreams.map((u) => u.close()));
    upstreams = [];
  });

  it('counts requests per version, instance and code, with latency and in-flight', async () => {
    const ok = await startUpstream('ok');
    const bad = await startUpstream('bad', (_req, res) => {
      res.statusCode = 500;
      res.end();
    });
    upstreams.push(ok, bad);
    const routes = table({ v1: [ok.url, bad.url], v2: [ok.url] }, { weights: { v1: 1 } });
    router = await startTestRouter(routes);
    await parallel(30, 3, () => router!.get('/'));
    await router.get('/', { 'x-rehearsal-route': 'x' });
    const samples = parseMetrics(await router.client.metricsText());
    const requests = (labels: Record<string, string>) =>
      metricValue(samples, 'rehearsal_router_requests_total', labels);
    expect(requests({ version: 'v1', instance: 'v1-0', code: '200' })).toBe(16);
    expect(requests({ version: 'v1', instance: 'v1-1', code: '500' })).toBe(15);
    expect(metricValue(samples, 'rehearsal_router_request_duration_seconds_count', { version: 'v1' })).toBe(
      31,
    );
    expect(
      metricValue(samples, 'rehearsal_router_request_duration_seconds_bucket', { version: 'v1', le: '+Inf' }),
    ).toBe(31);
    expect(metricValue(samples, 'rehearsal_router_inflight', { version: 'v1' })).toBe(0);
    const text = await router.client.metricsText();
    expect(text).toContain('# TYPE rehearsal_router_request_duration_seconds histogram');
    expect(text).toContain('# TYPE rehearsal_router_requests_total counter');
  });
});
