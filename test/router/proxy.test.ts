import { request as httpRequest } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import {
  binomialBounds,
  parallel,
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
  router = undefined;
});

async function ups(...names: string[]): Promise<TestUpstream[]> {
  const started = await Promise.all(names.map((n) => startUpstream(n)));
  upstreams.push(...started);
  return started;
}

describe('data plane', () => {
  it('answers 503 from router/none when nothing can serve', async () => {
    router = await startTestRouter();
    const reply = await router.get('/x');
    expect(reply.status).toBe(503);
    expect(reply.servedBy).toBe('router/none');
    expect(JSON.parse(reply.body).hint).toMatch(/PUT \/routes/);
  });

  it('splits 2,000 seeded requests 10/90 within a binomial bound and names the server', async () => {
    const [a, b] = await ups('a', 'b');
    router = await startTestRouter(table({ v1: [a!.url], v2: [b!.url] }, { weights: { v1: 90, v2: 10 } }));
    const replies = await parallel(2000, 32, (i) =>
      router!.get(`/p/${i}`, { 'x-rehearsal-request-id': `seed-7-${i}` }),
    );
    expect(replies.every((r) => r.status === 200)).toBe(true);
    const v2 = replies.filter((r) => r.servedBy === 'v2/v2-0').length;
    expect(replies.filter((r) => r.servedBy === 'v1/v1-0').length).toBe(2000 - v2);
    const [lo, hi] = binomialBounds(2000, 0.1);
    expect(v2).toBeGreaterThanOrEqual(lo);
    expect(v2).toBeLessThanOrEqual(hi);
    expect(replies.find((r) => r.servedBy === 'v2/v2-0')?.body).toBe('b:');
  });

  it('round-robins within a pool and streams request bodies both ways', async () => {
    const [a, b] = await ups('a', 'b');
    router = await startTestRouter(table({ v1: [a!.url, b!.url] }, { weights: { v1: 1 } }));
    const big = 'x'.repeat(1 << 20);
    const replies = await parallel(4, 1, () => router!.get('/echo', { 'content-type': 'text/plain' }, big));
    expect(replies.map((r) => r.servedBy)).toEqual(['v1/v1-0', 'v1/v1-1', 'v1/v1-0', 'v1/v1-1']);
    expect(replies[0]!.body).toBe(`a:${big}`);
    expect(a!.seen[0]!.method).toBe('POST');
  });

  it('passes chunked bodies both ways and answers HEAD without a body', async () => {
    const chunky = await startUpstream('c', (req, res, body) => {
      if (req.method === 'HEAD') return res.writeHead(200, { 'content-length': '42' }).end();
      res.write(`got ${body.length}`);
      setTimeout(() => res.end(' and done'), 20);
    });
    upstreams.push(chunky);
    router = await startTestRouter(table({ v1: [chunky.url] }, { weights: { v1: 1 } }));
    const reply = await new Promise<{ body: string; te: string | undefined }>((resolve, reject) => {
      const req = httpRequest(`${router!.router.url}/up`, { method: 'POST' });
      req.on('response', (res) => {
        let body = '';
        res.on('data', (c: Buffer) => {
          body += c;
        });
        res.on('end', () => resolve({ body, te: res.headers['transfer-encoding'] }));
      });
      req.on('error', reject);
      req.write('a'.repeat(70_000));
      setTimeout(() => req.end('b'.repeat(5)), 10);
    });
    expect(chunky.seen[0]!.headers['transfer-encoding']).toBe('chunked');
    expect(reply).toEqual({ body: 'got 70005 and done', te: 'chunked' });
    const head = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(`${router!.router.url}/h`, { method: 'HEAD' }, (res) => {
        res.resume();
        res.on('end', () => resolve(Number(res.headers['content-length'])));
      });
      req.on('error', reject);
      req.end();
    });
    expect(head).toBe(42);
  });

  it('streams a large response intact', async () => {
    const big = Buffer.alloc(5 << 20, 'q');
    const upstream = await startUpstream('big', (_req, res) => res.end(big));
    upstreams.push(upstream);
    router = await startTestRouter(table({ v1: [upstream.url] }, { weights: { v1: 1 } }));
    const reply = await router.get('/big');
    expect(reply.body.length).toBe(big.length);
    expect(reply.body === big.toString()).toBe(true);
  });

  it('drops hop-by-hop headers, including those named in Connection', async () => {
    const [a] = await ups('a');
    router = await startTestRouter(table({ v1: [a!.url] }, { weights: { v1: 1 } }));
    const status = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(`${router!.router.url}/h?q=1`, {
        headers: {
          connection: 'x-secret',
          'x-secret': 'no',
          'x-kept': 'yes',
          te: 'trailers',
          'proxy-authorization': 'p',
        },
      });
      req.on('response', (res) => resolve(res.statusCode ?? 0));
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(200);
    const seen = a!.seen[0]!;
    expect(seen.url).toBe('/h?q=1');
    expect(seen.headers['x-kept']).toBe('yes');
    expect(seen.headers['x-secret']).toBeUndefined();
    expect(seen.headers.te).toBeUndefined();
    expect(seen.headers['proxy-authorization']).toBeUndefined();
  });

  it('answers 502 naming the instance when the upstream is gone', async () => {
    const [a] = await ups('a');
    const deadUrl = a!.url;
    await a!.close();
    upstreams = [];
    router = await startTestRouter(table({ v1: [deadUrl] }, { weights: { v1: 1 } }));
    const reply = await router.get('/x');
    expect(reply.status).toBe(502);
    expect(reply.servedBy).toBe('v1/v1-0');
    expect(JSON.parse(reply.body).error).toMatch(/connect/);
  });

  it('answers 504 when the upstream stays silent past the timeout', async () => {
    const silent = await startUpstream('s', () => undefined);
    upstreams.push(silent);
    router = await startTestRouter(table({ v1: [silent.url] }, { weights: { v1: 1 } }), 200);
    const reply = await router.get('/slow');
    expect(reply.status).toBe(504);
    expect(reply.servedBy).toBe('v1/v1-0');
  });

  it('routes by rule: header, segment and sticky user', async () => {
    const [a, b] = await ups('a', 'b');
    const rules = [
      { header: { name: 'x-rehearsal-route', value: 'v2' }, version: 'v2' },
      { segment: 'internal', version: 'v2' },
    ];
    router = await startTestRouter(
      table({ v1: [a!.url], v2: [b!.url] }, { weights: { v1: 100, v2: 0 }, rules }),
    );
    expect((await router.get('/', { 'x-rehearsal-route': 'v2' })).servedBy).toBe('v2/v2-0');
    expect((await router.get('/', { 'x-user-segment': 'internal' })).servedBy).toBe('v2/v2-0');
    expect((await router.get('/', { 'x-user-segment': 'vip' })).servedBy).toBe('v1/v1-0');
    await router.client.putRoutes(
      table({ v1: [a!.url], v2: [b!.url] }, { weights: { v1: 50, v2: 50 }, sticky: true }),
    );
    for (const user of ['ann', 'bob', 'cy', 'dee']) {
      const served = await parallel(10, 5, (i) =>
        router!.get('/', { 'x-user-id': user, 'x-rehearsal-request-id': `${user}${i}` }),
      );
      expect(new Set(served.map((r) => r.servedBy)).size).toBe(1);
    }
  });
});
