import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawExchange } from '../../helpers/raw-http.js';
import { type Judge, startJudge } from '../helpers.js';

// Reproductions of the hostile tester's findings: each of these used to kill the instance.
describe('judge service HTTP layer under hostile input', () => {
  let j: Judge;
  beforeAll(async () => {
    j = await startJudge({ args: ['--workers', '1'] });
  });
  afterAll(async () => {
    expect(await j.stop()).toBe(0);
  });

  const alive = async () => {
    expect(j.proc.exitCode).toBeNull();
    expect((await fetch(`${j.url}/healthz`)).status).toBe(200);
  };

  it.each(['%', '%E0%A4', '%zz', '%C0%AF', 'ok%'])(
    'GET /submissions/%s answers 400 (bad percent-escape) and the instance stays up',
    async (token) => {
      const reply = await rawExchange(
        j.port,
        `GET /submissions/${token} HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n`,
      );
      expect(reply.statuses).toEqual([400]);
      expect(reply.text).toMatch(/percent-escape/);
      await alive();
    },
  );

  it('a well-formed escape in a token still works (404 for an unknown token, not 400)', async () => {
    const res = await fetch(`${j.url}/submissions/a%2Fb%20c`);
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: string }).error).toContain('a/b c');
  });

  it.each(['http://[', 'http://a:99999/', 'http://%zz/submissions/x'])(
    'an absolute-form target %s that is not a URL answers 400',
    async (target) => {
      const reply = await rawExchange(
        j.port,
        `GET ${target} HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n`,
      );
      expect(reply.statuses).toHaveLength(1);
      expect(reply.statuses[0]).toBeGreaterThanOrEqual(400);
      expect(reply.statuses[0]).toBeLessThan(500);
      await alive();
    },
  );

  it('a client that stops mid-body, or sends a broken chunked body, does not hurt the instance', async () => {
    await rawExchange(
      j.port,
      'POST /submissions HTTP/1.1\r\nHost: a\r\nContent-Length: 500\r\n\r\n{"problem_id":',
      { halfClose: true, idleMs: 1000 },
    );
    await rawExchange(
      j.port,
      'POST /submissions HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n',
      { idleMs: 1000 },
    );
    await rawExchange(j.port, `GET / HTTP/1.1\r\nHost: a\r\nX: ${'y'.repeat(70_000)}\r\n\r\n`, {
      idleMs: 1000,
    });
    await alive();
  });

  it('refuses a mirror header that is not exactly "1" (only the router sets it)', async () => {
    const body = JSON.stringify({ problem_id: 'two-sum', source_code: 'x', user_id: 'm' });
    for (const value of ['0', '1, 1', 'true']) {
      const res = await fetch(`${j.url}/submissions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-rehearsal-mirror': value },
        body,
      });
      expect(res.status, value).toBe(400);
      expect(((await res.json()) as { error: string }).error).toMatch(/x-rehearsal-mirror/);
    }
  });
});
