import { afterEach, describe, expect, it } from 'vitest';
import {
  binomialBounds,
  metricValue,
  parallel,
  parseMetrics,
  startTestRouter,
  startUpstream,
  type TestRouter,
  type TestUpstream,
  table,
} from './helpers.js';

let upstreams: TestUpstream[] = [];
let router: TestRouter | undefined;
afterEach(async () => {
  await router?.close();
  await Promise.all(upstreams.map((u) => u.close()));
  upstreams = [];
});

const until = async (check: () => boolean | Promise<boolean>): Promise<void> => {
  for (let i = 0; i < 100 && !(await check()); i++) await new Promise((r) => setTimeout(r, 20));
};

describe('mirroring', () => {
  it('sends a marked shadow copy with the same body and discards its answer', async () => {
    const a = await startUpstream('a');
    const b = await startUpstream('b', (_req, res) => {
      res.statusCode = 500;
      res.setHeader('x-rehearsal-fault', 'http-errors');
      res.end('shadow failure');
    });
    upstreams.push(a, b);
    router = await startTestRouter(
      table(
        { v1: [a.url], v2: [b.url] },
        { weights: { v1: 100, v2: 0 }, mirror: { version: 'v2', percent: 100 } },
      ),
    );
    const replies = await parallel(20, 4, (i) =>
      router!.get(`/submit/${i}`, { 'x-user-id': 'u1' }, `body-${i}`),
    );
    expect(replies.every((r) => r.status === 200 && r.servedBy === 'v1/v1-0')).toBe(true);
    expect(replies[3]!.body).toBe('a:body-3');
    await until(() => b.seen.length === 20);
    expect(b.seen.map((s) => s.headers['x-rehearsal-mirror'])).toEqual(new Array(20).fill('1'));
    expect(new Set(b.seen.map((s) => s.body))).toEqual(new Set(a.seen.map((s) => s.body)));
    expect(a.seen.every((s) => s.headers['x-rehearsal-mirror'] === undefined)).toBe(true);
    const mirrored = async () => parseMetrics(await router!.client.metricsText());
    const counted = async () => metricValue(await mirrored(), 'rehearsal_router_mirror_requests_total');
    await until(async () => (await counted()) === 20);
    const samples = await mirrored();
    expect(
      metricValue(samples, 'rehearsal_router_mirror_requests_total', { version: 'v2', code: '500' }),
    ).toBe(20);
    expect(metricValue(samples, 'rehearsal_router_requests_total', { version: 'v2' })).toBe(0);
    // Marked shadow answers are counted: the evidence that a fault took effect where no user saw it.
    expect(
      metricValue(samples, 'rehearsal_router_mirror_faults_total', { version: 'v2', fault: 'http-errors' }),
    ).toBe(20);
  });

  it('mirrors a seeded share and never copies traffic already going to the mirror version', async () => {
    const [a, b] = await Promise.all([startUpstream('a'), startUpstream('b')]);
    upstreams.push(a, b);
    const routes = table(
      { v1: [a.url], v2: [b.url] },
      { weights: { v1: 100, v2: 0 }, mirror: { version: 'v2', percent: 25 } },
    );
    router = await startTestRouter(routes);
    await parallel(400, 16, (i) => router!.get('/', { 'x-rehearsal-request-id': `req-${i}` }));
    const [lo, hi] = binomialBounds(400, 0.25);
    await until(() => b.seen.length >= lo);
    expect(b.seen.length).toBeGreaterThanOrEqual(lo);
    expect(b.seen.length).toBeLessThanOrEqual(hi);
    await router.client.putRoutes({ ...routes, weights: { v1: 0, v2: 100 } });
    const before = b.seen.length;
    await parallel(20, 4, () => router!.get('/'));
    expect(b.seen.length).toBe(before + 20);
  });
});
