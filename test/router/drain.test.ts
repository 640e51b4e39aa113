import { afterEach, describe, expect, it } from 'vitest';
import { startTestRouter, startUpstream, type TestRouter, type TestUpstream, table } from './helpers.js';

let upstreams: TestUpstream[] = [];
let router: TestRouter | undefined;
afterEach(async () => {
  await router?.close();
  await Promise.all(upstreams.map((u) => u.close()));
  upstreams = [];
});

describe('draining', () => {
  it('lets a slow in-flight request finish after its instance is removed', async () => {
    const slow = await startUpstream('slow', (_req, res) => {
      setTimeout(() => res.end('slow done'), 600);
    });
    const fast = await startUpstream('fast');
    upstreams.push(slow, fast);
    router = await startTestRouter(table({ v1: [slow.url] }, { weights: { v1: 1 } }));
    const inflight = router.get('/long');
    while (slow.seen.length === 0) await new Promise((r) => setTimeout(r, 10));
    await router.client.putRoutes({
      ...table({ v1: [] }, { weights: { v1: 1 } }),
      pools: { v1: [{ id: 'v1-new', url: fast.url }] },
    });
    expect((await router.client.health()).draining).toEqual([{ servedBy: 'v1/v1-0', inflight: 1 }]);
    const next = await router.get('/after');
    expect(next.servedBy).toBe('v1/v1-new');
    const reply = await inflight;
    expect(reply).toMatchObject({ status: 200, servedBy: 'v1/v1-0', body: 'slow done' });
    expect((await router.client.health()).draining).toEqual([]);
  });
});
