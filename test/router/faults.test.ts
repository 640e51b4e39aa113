import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type NetworkFault, NO_FAULT } from '../../sim/router/route-table.js';
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

let v1: TestUpstream;
let v2: TestUpstream;
let router: TestRouter;
const body = 'z'.repeat(5000);

beforeAll(async () => {
  v1 = await startUpstream('v1');
  v2 = await startUpstream('v2', (_req, res) => res.end(body));
  router = await startTestRouter();
});
afterAll(async () => {
  await router.close();
  await v1.close();
  await v2.close();
});

async function withFault(fault: Partial<NetworkFault>): Promise<void> {
  const rules = [{ header: { name: 'x-rehearsal-route', value: 'v2' }, version: 'v2' }];
  const full = { ...NO_FAULT, ...fault };
  await router.client.putRoutes(
    table({ v1: [v1.url], v2: [v2.url] }, { weights: { v1: 1, v2: 0 }, rules, faults: { v2: full } }),
  );
}
const toV2 = (id?: string) =>
  router.get('/', { 'x-rehearsal-route': 'v2', ...(id ? { 'x-rehearsal-request-id': id } : {}) });
const metrics = async () => parseMetrics(await router.client.metricsText());

describe('network faults', () => {
  it('adds latency to the faulty version only', async () => {
    await withFault({ latencyMs: 250 });
    let t = performance.now();
    expect((await toV2()).status).toBe(200);
    expect(performance.now() - t).toBeGreaterThanOrEqual(245);
    t = performance.now();
    expect((await router.get('/')).servedBy).toBe('v1/v1-0');
    expect(performance.now() - t).toBeLessThan(200);
  });

  it('resets client connections at the seeded rate without reaching the upstream', async () => {
    await withFault({ resetRate: 0.3 });
    const seenBefore = v2.seen.length;
    const outcomes = await parallel(300, 8, (i) =>
      toV2(`reset-${i}`).then(
        (r) => r.status,
        (e: Error) => e.message,
      ),
    );
    const resets = outcomes.filter((o) => typeof o === 'string').length;
    const [lo, hi] = binomialBounds(300, 0.3);
    expect(resets).toBeGreaterThanOrEqual(lo);
    expect(resets).toBeLessThanOrEqual(hi);
    expect(v2.seen.length - seenBefore).toBe(300 - resets);
    expect(
      metricValue(await metrics(), 'rehearsal_router_requests_total', { version: 'v2', code: 'reset' }),
    ).toBe(resets);
  });

  it('makes a partitioned version unreachable with 503', async () => {
    await withFault({ partition: true });
    const seenBefore = v2.seen.length;
    const reply = await toV2();
    expect(reply).toMatchObject({ status: 503, servedBy: 'v2/v2-0' });
    expect(v2.seen.length).toBe(seenBefore);
    const samples = await metrics();
    expect(
      metricValue(samples, 'rehearsal_router_upstream_errors_total', { version: 'v2', kind: 'connect' }),
    ).toBe(1);
    expect((await router.get('/')).status).toBe(200);
  });

  it('throttles the response body to the bandwidth limit', async () => {
    await withFault({ bandwidthKbps: 100 });
    const t = performance.now();
    const reply = await toV2();
    const elapsed = performance.now() - t;
    expect(reply.body).toBe(body);
    // 5,000 bytes at 12,500 B/s take 400 ms; the first slice goes out at once.
    expect(elapsed).toBeGreaterThanOrEqual(350);
    expect(elapsed).toBeLessThan(2000);
  });

  it('answers a seeded share with a marked HTTP 500 itself, counted by fault, without reaching the upstream', async () => {
    await withFault({ errorRate: 0.4 });
    const seenBefore = v2.seen.length;
    const replies = await parallel(300, 8, (i) => toV2(`error-${i}`));
    const errors = replies.filter((r) => r.status === 500);
    const [lo, hi] = binomialBounds(300, 0.4);
    expect(errors.length).toBeGreaterThanOrEqual(lo);
    expect(errors.length).toBeLessThanOrEqual(hi);
    for (const r of errors) {
      expect(r.headers['x-rehearsal-fault']).toBe('http-errors');
      expect(r.servedBy).toBe('v2/v2-0');
    }
    for (const r of replies.filter((r) => r.status !== 500)) {
      expect(r.status).toBe(200);
      expect(r.headers['x-rehearsal-fault']).toBeUndefined();
    }
    expect(v2.seen.length - seenBefore).toBe(300 - errors.length);
    const samples = await metrics();
    expect(
      metricValue(samples, 'rehearsal_router_injected_faults_total', { version: 'v2', fault: 'http-errors' }),
    ).toBe(errors.length);
    // The same request ids draw the same answers: the share is seeded, not random.
    const again = await parallel(300, 8, (i) => toV2(`error-${i}`));
    expect(again.map((r) => r.status)).toEqual(replies.map((r) => r.status));
    // The other version is untouched.
    expect((await router.get('/')).status).toBe(200);
  });

  it('refuses an errorRate outside 0-1', async () => {
    await expect(
      router.client.putRoutes(
        table({ v1: [v1.url] }, { weights: { v1: 1 }, faults: { v1: { errorRate: 2 } as never } }),
      ),
    ).rejects.toThrow(/faults\.v1\.errorRate must be a probability 0-1, got 2/);
  });
});
