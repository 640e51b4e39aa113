import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { AppContext } from '../../../fixtures/judge-service/src/http/context.js';
import { createApp } from '../../../fixtures/judge-service/src/http/server.js';

const logged: { msg: string; fields?: Record<string, unknown> }[] = [];
let close: (() => void) | undefined;
afterEach(() => close?.());

/** A context just rich enough for GET /submissions/:token, whose store throws what it is given. */
function context(fail: () => never): AppContext {
  const metrics = { httpRequests: { inc: () => {} }, httpDuration: { observe: () => {} }, fault: () => {} };
  return {
    store: { get: fail },
    toggles: { value: {} },
    faults: { delay: () => ({ ms: 0 }), failRequest: () => false },
    metrics,
    log: { info: () => {}, warn: () => {}, error: (msg, fields) => logged.push({ msg, fields }) },
    version: 'v0',
    instance: () => 'i',
    waitMs: 0,
    readiness: () => ({ ready: true, reasons: [] }),
    crash: () => {},
    now: Date.now,
  } as unknown as AppContext;
}

async function serve(ctx: AppContext): Promise<string> {
  const server = createApp(ctx);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  close = () => server.close();
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('judge HTTP top-level guard', () => {
  it('answers 500 and logs an unexpected error in a handler, and keeps serving', async () => {
    const url = await serve(
      context(() => {
        throw new TypeError('store exploded');
      }),
    );
    const res = await fetch(`${url}/submissions/abc`);
    expect(res.status).toBe(500);
    expect(await res.json()).toEqual({ error: 'internal error' });
    expect(logged).toHaveLength(1);
    expect(logged[0]!.msg).toBe('request failed');
    expect(String(logged[0]!.fields?.error)).toContain('store exploded');
    expect((await fetch(`${url}/submissions/%zz`)).status).toBe(400);
  });
});
