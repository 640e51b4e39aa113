import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NetworkFault } from '../../sim/router/route-table.js';
import { NO_FAULT } from '../../sim/router/route-table.js';
import {
  binomialBounds,
  metricValue,
  parallel,
  parseMetrics,
  type Reply,
  startTestRouter,
  startUpstream,
  type TestRouter,
  type TestUpstream,
  table,
} from './helpers.js';

// Two versions of a judge that share one store (as a real service's versions share a database), each answering
// the native shape (`problem_id` submissions: `verdict` and `status`) or Judge0's (`status` only). Submission n is
// accepted when n is even, wrong-answer when odd.

interface Stored {
  n: number;
  judge0: boolean;
}

const store = new Map<string, Stored>();
let next = 0;

function answer(token: string, s: Stored): Record<string, unknown> {
  const accepted = s.n % 2 === 0;
  const status = accepted ? { id: 3, description: 'Accepted' } : { id: 4, description: 'Wrong Answer' };
  return s.judge0
    ? { token, status, stdout: 'x', time: '0.01', memory: 1 }
    : { token, problem_id: 'sum', status, verdict: accepted ? 'accepted' : 'wrong-answer', time: 3 };
}

function judge(name: string) {
  return (req: IncomingMessage, res: ServerResponse, body: string): void => {
    const url = new URL(req.url ?? '/', 'http://x');
    const send = (status: number, value: unknown): void => {
      const text = JSON.stringify(value);
      res.writeHead(status, { 'content-type': 'application/json', 'x-judged-by': name });
      res.end(text);
    };
    if (req.method === 'POST' && url.pathname === '/submissions') {
      const token = `t${next}`;
      const s = { n: next++, judge0: JSON.parse(body).source_code !== undefined };
      store.set(token, s);
      return void send(201, url.searchParams.get('wait') === 'true' ? answer(token, s) : { token });
    }
    if (req.method === 'GET' && url.pathname === '/submissions/batch') {
      const tokens = (url.searchParams.get('tokens') ?? '').split(',');
      return void send(200, {
        submissions: tokens.map((t) => (store.has(t) ? answer(t, store.get(t)!) : null)),
      });
    }
    const m = /^\/submissions\/(.+)$/.exec(url.pathname);
    if (req.method === 'GET' && m && store.has(m[1]!) && url.searchParams.get('fields') === 'status_id') {
      const { status } = answer(m[1]!, store.get(m[1]!)!) as { status: { id: number } };
      return void send(200, { status_id: status.id });
    }
    if (req.method === 'GET' && m && store.has(m[1]!))
      return void send(200, answer(m[1]!, store.get(m[1]!)!));
    send(404, { error: 'unknown' });
  };
}

let v1: TestUpstream;
let v2: TestUpstream;
let router: TestRouter;
beforeAll(async () => {
  v1 = await startUpstream('v1', judge('v1'));
  v2 = await startUpstream('v2', judge('v2'));
  router = await startTestRouter();
});
afterAll(async () => {
  await router.close();
  await v1.close();
  await v2.close();
});

async function withFaults(faults: Record<string, Partial<NetworkFault>>): Promise<void> {
  const rules = ['v1', 'v2'].map((v) => ({ header: { name: 'x-rehearsal-route', value: v }, version: v }));
  const full = Object.fromEntries(Object.entries(faults).map(([v, f]) => [v, { ...NO_FAULT, ...f }]));
  await router.client.putRoutes(
    table({ v1: [v1.url], v2: [v2.url] }, { weights: { v1: 1, v2: 0 }, rules, faults: full }),
  );
}
const via = (version: string, id?: string) => ({
  'x-rehearsal-route': version,
  ...(id ? { 'x-rehearsal-request-id': id } : {}),
});
const post = (version: string, id: string, body: object, wait = false): Promise<Reply> =>
  router.get(`/submissions${wait ? '?wait=true' : ''}`, via(version, id), JSON.stringify(body));
const counter = async (name: string, match: Record<string, string>): Promise<number> =>
  metricValue(parseMetrics(await router.client.metricsText()), name, match);
const INJECTED = 'rehearsal_router_injected_faults_total';
const REWRITTEN = 'rehearsal_router_rewritten_verdicts_total';
const n = (token: string): number => Number(token.slice(1));

describe('router-injected latency', () => {
  it('delays every request of the target version, marked latency and counted; the other version is untouched', async () => {
    await withFaults({ v2: { delayMs: 300, delayRate: 1 } });
    const before = await counter(INJECTED, { version: 'v2', fault: 'latency' });
    let t = performance.now();
    const slow = await router.get('/submissions/t0', via('v2'));
    expect(performance.now() - t).toBeGreaterThanOrEqual(295);
    expect(slow.headers['x-rehearsal-fault']).toBe('latency');
    t = performance.now();
    const fast = await router.get('/submissions/t0', via('v1'));
    expect(performance.now() - t).toBeLessThan(250);
    expect(fast.headers['x-rehearsal-fault']).toBeUndefined();
    expect(await counter(INJECTED, { version: 'v2', fault: 'latency' })).toBe(before + 1);
    expect(await counter(INJECTED, { version: 'v1' })).toBe(0);
  });

  it('delays a seeded share as tail-latency, the same share again for the same request ids', async () => {
    await withFaults({ v2: { delayMs: 150, delayRate: 0.3 } });
    const timed = (i: number) => async () => {
      const t = performance.now();
      const r = await router.get('/x', via('v2', `tail-${i}`));
      return { marked: r.headers['x-rehearsal-fault'] === 'tail-latency', ms: performance.now() - t };
    };
    const first = await parallel(200, 16, (i) => timed(i)());
    const marked = first.filter((r) => r.marked);
    const [lo, hi] = binomialBounds(200, 0.3);
    expect(marked.length).toBeGreaterThanOrEqual(lo);
    expect(marked.length).toBeLessThanOrEqual(hi);
    for (const r of marked) expect(r.ms).toBeGreaterThanOrEqual(145);
    expect(await counter(INJECTED, { version: 'v2', fault: 'tail-latency' })).toBe(marked.length);
    const again = await parallel(200, 16, (i) => timed(i)());
    expect(again.map((r) => r.marked)).toEqual(first.map((r) => r.marked));
  });

  it('refuses delayMs without delayRate, naming both', async () => {
    await expect(withFaults({ v2: { delayMs: 100 } })).rejects.toThrow(
      /faults\.v2\.delayMs and delayRate go together/,
    );
    await expect(withFaults({ v2: { wrongVerdictRate: 1.5 } })).rejects.toThrow(
      /faults\.v2\.wrongVerdictRate must be a probability 0-1, got 1.5/,
    );
  });
});

describe('router-injected wrong verdicts', () => {
  it('flips native verdicts of a seeded share of submissions created through the target, the same on every poll from any version', async () => {
    await withFaults({ v2: { wrongVerdictRate: 0.4 } });
    const created = await parallel(150, 8, (i) => post('v2', `wv-${i}`, { problem_id: 'sum' }, true));
    const flipped = created.filter((r) => r.headers['x-rehearsal-fault'] === 'wrong-verdict');
    const [lo, hi] = binomialBounds(150, 0.4);
    expect(flipped.length).toBeGreaterThanOrEqual(lo);
    expect(flipped.length).toBeLessThanOrEqual(hi);
    // The router reads these answers, so it asked for them unencoded.
    expect(v2.seen.filter((s) => s.method === 'POST').at(-1)!.headers['accept-encoding']).toBe('identity');
    const shown = new Map<string, string>();
    for (const r of created) {
      expect(r.status).toBe(201);
      const body = JSON.parse(r.body);
      const right = n(body.token) % 2 === 0 ? 'accepted' : 'wrong-answer';
      const isFlipped = r.headers['x-rehearsal-fault'] === 'wrong-verdict';
      expect(body.verdict).toBe(isFlipped ? (right === 'accepted' ? 'wrong-answer' : 'accepted') : right);
      // verdict and status agree, as the service would answer them
      expect(body.status.id).toBe(body.verdict === 'accepted' ? 3 : 4);
      if (isFlipped) expect(Number(r.headers['content-length'])).toBe(Buffer.byteLength(r.body));
      shown.set(body.token, body.verdict);
    }
    // Polls through either version show what the create answer showed.
    for (const version of ['v1', 'v2']) {
      const polls = await parallel(shown.size, 8, (i) =>
        router.get(`/submissions/${[...shown.keys()][i]}`, via(version)),
      );
      for (const p of polls) {
        const body = JSON.parse(p.body);
        expect(body.verdict).toBe(shown.get(body.token));
        expect(p.servedBy).toBe(`${version}/${version}-0`);
      }
      expect(polls.filter((p) => p.headers['x-rehearsal-fault'] === 'wrong-verdict').length).toBe(
        flipped.length,
      );
    }
    // Each submission is counted once, by the verdict written, charged to the version it was created through.
    const toWrong = flipped.filter((r) => n(JSON.parse(r.body).token) % 2 === 0).length;
    expect(await counter(REWRITTEN, { version: 'v2', verdict: 'wrong-answer' })).toBe(toWrong);
    expect(await counter(REWRITTEN, { version: 'v2', verdict: 'accepted' })).toBe(flipped.length - toWrong);
    expect(await counter(REWRITTEN, { version: 'v1' })).toBe(0);
    expect(await counter(INJECTED, { version: 'v2', fault: 'wrong-verdict' })).toBe(3 * flipped.length);
    // The draw is seeded by the request id: the same ids draw the same submissions again (new tokens).
    const again = await parallel(150, 8, (i) => post('v2', `wv-${i}`, { problem_id: 'sum' }, true));
    const marked = (rs: Reply[]) => rs.map((r) => r.headers['x-rehearsal-fault'] === 'wrong-verdict');
    expect(marked(again)).toEqual(marked(created));
  });

  it('flips Judge0 statuses in single and batch polls after a create without wait', async () => {
    await withFaults({ v2: { wrongVerdictRate: 1 } });
    const created = await parallel(6, 2, (i) =>
      post('v2', `j0-${i}`, { source_code: 'print(1)', language_id: 71 }),
    );
    const tokens = created.map((r) => JSON.parse(r.body).token as string);
    for (const r of created) expect(r.headers['x-rehearsal-fault']).toBeUndefined();
    const single = await router.get(`/submissions/${tokens[0]}`, via('v2'));
    const right = n(tokens[0]!) % 2 === 0 ? 3 : 4;
    expect(JSON.parse(single.body).status).toEqual(
      right === 3 ? { id: 4, description: 'Wrong Answer' } : { id: 3, description: 'Accepted' },
    );
    expect(single.headers['x-rehearsal-fault']).toBe('wrong-verdict');
    // Judge0's `fields` may leave the token out of the answer: the path names it.
    const fields = await router.get(`/submissions/${tokens[0]}?fields=status_id`, via('v1'));
    expect(JSON.parse(fields.body)).toEqual({ status_id: right === 3 ? 4 : 3 });
    const batch = await router.get(`/submissions/batch?tokens=${tokens.join(',')}`, via('v1'));
    expect(batch.headers['x-rehearsal-fault']).toBe('wrong-verdict');
    const subs = JSON.parse(batch.body).submissions as { token: string; status: { id: number } }[];
    expect(subs.map((s) => s.status.id)).toEqual(tokens.map((t) => (n(t) % 2 === 0 ? 4 : 3)));
  });

  it('leaves alone a version at rate 0 and submissions created through another version', async () => {
    await withFaults({ v2: { wrongVerdictRate: 1 } });
    const before = await counter(INJECTED, { fault: 'wrong-verdict' });
    const created = await parallel(20, 4, (i) => post('v1', `clean-${i}`, { problem_id: 'sum' }, true));
    for (const r of created) {
      expect(r.headers['x-rehearsal-fault']).toBeUndefined();
      const body = JSON.parse(r.body);
      expect(body.verdict).toBe(n(body.token) % 2 === 0 ? 'accepted' : 'wrong-answer');
      // Polled through the faulty version: created elsewhere, so not drawn.
      const poll = await router.get(`/submissions/${body.token}`, via('v2'));
      expect(poll.headers['x-rehearsal-fault']).toBeUndefined();
      expect(JSON.parse(poll.body).verdict).toBe(body.verdict);
    }
    expect(await counter(INJECTED, { fault: 'wrong-verdict' })).toBe(before);
    // The upstream was asked for an unencoded answer only where the router reads it.
    const creates = v1.seen.filter((s) => s.method === 'POST').at(-1)!;
    expect(creates.headers['accept-encoding']).not.toBe('identity');
  });
});
