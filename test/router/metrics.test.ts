import { execFileSync } from 'node:child_process';
import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
  LATENCY_BUCKETS,
  RouterMetrics,
  UPSTREAM_ERROR_KINDS,
  ZERO_CODES,
  ZERO_MIRROR_CODES,
} from '../../sim/router/metrics.js';
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
    metrics.upstream('v1', 'v1-0').set(200, 4);
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
        upstream: 'v1-0',
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

  it('counts requests per version, upstream and code, with latency and in-flight', async () => {
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
    expect(requests({ version: 'v1', upstream: 'v1-0', code: '200' })).toBe(16);
    expect(requests({ version: 'v1', upstream: 'v1-1', code: '500' })).toBe(15);
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

  it('creates every series a check reads at 0 when a version is routed and when an instance is added', async () => {
    const ok = await startUpstream('ok');
    upstreams.push(ok);
    router = await startTestRouter(
      table(
        { v1: [ok.url], v2: [] },
        { weights: { v1: 100, v2: 0 }, mirror: { version: 'v1', percent: 10 } },
      ),
    );
    const scrape = async () => parseMetrics(await router!.client.metricsText());
    const has = (samples: ReturnType<typeof parseMetrics>, name: string, labels: Record<string, string>) =>
      samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
    let before = await scrape();
    for (const version of ['v1', 'v2']) {
      // An empty pool is charged as upstream `none` (the router's own 503).
      const upstream = version === 'v1' ? 'v1-0' : 'none';
      for (const code of ZERO_CODES) {
        const series = has(before, 'rehearsal_router_requests_total', {
          version,
          upstream,
          code: String(code),
        });
        expect(
          series.map((s) => s.value),
          `${version} ${upstream} ${code}`,
        ).toEqual([0]);
      }
      for (const kind of UPSTREAM_ERROR_KINDS)
        expect(
          has(before, 'rehearsal_router_upstream_errors_total', { version, kind }).map((s) => s.value),
        ).toEqual([0]);
      const buckets = has(before, 'rehearsal_router_request_duration_seconds_bucket', { version });
      expect(buckets).toHaveLength(LATENCY_BUCKETS.length + 1);
      expect(buckets.every((s) => s.value === 0)).toBe(true);
      expect(
        has(before, 'rehearsal_router_request_duration_seconds_count', { version }).map((s) => s.value),
      ).toEqual([0]);
      expect(has(before, 'rehearsal_router_inflight', { version }).map((s) => s.value)).toEqual([0]);
    }
    for (const code of ZERO_MIRROR_CODES)
      expect(has(before, 'rehearsal_router_mirror_requests_total', { version: 'v1', code })).toHaveLength(1);
    // No label named like a Prometheus target label: scraped, it would arrive as exported_instance / exported_job.
    expect(before.some((s) => 'instance' in s.labels || 'job' in s.labels)).toBe(false);

    // The first failures land on a series that already had a sample at 0, so a two-sample increase() sees them.
    const bad = await startUpstream('bad', (_req, res) => {
      res.statusCode = 500;
      res.end();
    });
    upstreams.push(bad);
    await router.client.putRoutes(table({ v1: [ok.url], v2: [bad.url] }, { weights: { v1: 0, v2: 100 } }));
    before = await scrape();
    expect(
      has(before, 'rehearsal_router_requests_total', { version: 'v2', upstream: 'v2-0', code: '500' }).map(
        (s) => s.value,
      ),
    ).toEqual([0]);
    await parallel(5, 1, () => router!.get('/'));
    const after = await scrape();
    expect(
      has(after, 'rehearsal_router_requests_total', { version: 'v2', upstream: 'v2-0', code: '500' }).map(
        (s) => s.value,
      ),
    ).toEqual([5]);
    // The zero series are there once: no code rendered twice (200 as a number and as a string).
    const keys = after.map((s) => `${s.name}${JSON.stringify(s.labels)}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('passes promtool check metrics after traffic with every series kind present', async () => {
    const ok = await startUpstream('ok');
    const shadow = await startUpstream('shadow', (_req, res) => {
      res.statusCode = 500;
      res.setHeader('x-rehearsal-fault', 'http-errors');
      res.end();
    });
    upstreams.push(ok, shadow);
    const closed = await closedPortUrl();
    router = await startTestRouter(
      table(
        { v1: [ok.url, closed], v2: [shadow.url] },
        { weights: { v1: 100, v2: 0 }, mirror: { version: 'v2', percent: 100 } },
      ),
    );
    await parallel(20, 4, (i) => router!.get(`/x/${i}`));
    await router.get('/', { 'x-rehearsal-route': 'nowhere' });
    const text = await router.client.metricsText();
    const samples = parseMetrics(text);
    // Every family has a non-zero series: requests, histogram, upstream errors, mirror requests and faults.
    expect(metricValue(samples, 'rehearsal_router_requests_total', { code: '200' })).toBeGreaterThan(0);
    expect(metricValue(samples, 'rehearsal_router_requests_total', { code: '502' })).toBeGreaterThan(0);
    expect(metricValue(samples, 'rehearsal_router_request_duration_seconds_count')).toBeGreaterThan(0);
    expect(
      metricValue(samples, 'rehearsal_router_upstream_errors_total', { kind: 'connect' }),
    ).toBeGreaterThan(0);
    expect(metricValue(samples, 'rehearsal_router_mirror_requests_total')).toBeGreaterThan(0);
    expect(text).toContain('# TYPE rehearsal_router_inflight gauge');
    const until = Date.now() + 2000;
    while (
      metricValue(parseMetrics(await router.client.metricsText()), 'rehearsal_router_mirror_faults_total') ===
      0
    ) {
      if (Date.now() > until) throw new Error('no mirror fault counted');
      await new Promise((r) => setTimeout(r, 20));
    }
    const final = await router.client.metricsText();
    const check = () => execFileSync('promtool', ['check', 'metrics'], { input: final, encoding: 'utf8' });
    expect(check).not.toThrow();
    // promtool is not a check that cannot fail: a gauge named like a counter and a duplicate series are errors.
    const broken = `${final}# HELP bad_total x\n# TYPE bad_total gauge\nbad_total 1\n`;
    expect(() => execFileSync('promtool', ['check', 'metrics'], { input: broken, stdio: 'pipe' })).toThrow();
  });
});

/** A URL nothing listens on (a port that was free a moment ago). */
async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${port}`;
}
