import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RouterClient, RouterClientError } from '../../sim/router-client/client.js';
import { startTestRouter, type TestRouter, TOKEN, table } from './helpers.js';

let router: TestRouter;
beforeAll(async () => {
  router = await startTestRouter();
});
afterAll(() => router.close());

const admin = (path: string, init: RequestInit = {}) => fetch(`${router.router.adminUrl}${path}`, init);
const valid = table({ v1: ['http://127.0.0.1:9'] }, { weights: { v1: 1 } });

describe('admin API', () => {
  it('requires the bearer token for /routes only', async () => {
    expect((await admin('/routes')).status).toBe(401);
    const wrong = await admin('/routes', { headers: { authorization: 'Bearer nope' } });
    expect(wrong.status).toBe(401);
    expect((await wrong.json()).hint).toMatch(/--admin-token/);
    const put = await admin('/routes', { method: 'PUT', body: JSON.stringify(valid) });
    expect(put.status).toBe(401);
    expect((await admin('/routes', { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(200);
    expect((await admin('/metrics')).status).toBe(200);
    expect(await (await admin('/healthz')).json()).toEqual({ ok: true, draining: [] });
    expect((await admin('/nope')).status).toBe(404);
    expect(
      (await admin('/routes', { method: 'DELETE', headers: { authorization: `Bearer ${TOKEN}` } })).status,
    ).toBe(405);
  });

  it('replaces the table, and keeps the old one when the new one is invalid', async () => {
    expect(await router.client.putRoutes(valid)).toEqual(valid);
    const bad = { ...valid, weights: { v1: -1, v2: 1 } };
    const error = await router.client.putRoutes(bad).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RouterClientError);
    const e = error as RouterClientError;
    expect(e.status).toBe(400);
    expect(e.problems).toEqual([
      'weights.v1 must be a number >= 0, got -1',
      'weights.v2 must name a version in pools (v1), got "v2"',
    ]);
    expect(e.message).toContain('weights.v2');
    expect(e.hint).toMatch(/old table stays in force/);
    expect(await router.client.getRoutes()).toEqual(valid);
  });

  it('reports malformed JSON as a listed problem', async () => {
    const res = await admin('/routes', {
      method: 'PUT',
      headers: { authorization: `Bearer ${TOKEN}` },
      body: '{nope',
    });
    expect(res.status).toBe(400);
    expect((await res.json()).problems[0]).toMatch(/not valid JSON/);
  });

  it('gives client errors a hint when the router is unreachable or the token wrong', async () => {
    const down = await new RouterClient('http://127.0.0.1:9', TOKEN)
      .getRoutes()
      .catch((e: RouterClientError) => e);
    expect(down).toMatchObject({ status: 0 });
    expect((down as Error).message).toMatch(/is the router running/);
    const denied = await new RouterClient(router.router.adminUrl, 'bad')
      .getRoutes()
      .catch((e: RouterClientError) => e);
    expect(denied).toMatchObject({ status: 401 });
  });
});
