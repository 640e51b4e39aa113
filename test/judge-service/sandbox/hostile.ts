import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { afterAll, beforeAll, expect } from 'vitest';
import { type Judge, solution, startJudge, submit } from '../helpers.js';

/** The instance of a group of attacks, and a listener that counts connections the sandbox must not make. */
export interface HostileService {
  j: Judge;
  /** Connections the listener got. */
  connections: number;
  /** Where the listener listens on 127.0.0.1. */
  port: number;
}

/**
 * Starts, for the enclosing describe, one instance with one worker, so every attack and the honest
 * submissions after it meet the same sandbox process; one instance per group, so an attack that worked on
 * the old code cannot taint the next group.
 */
export function hostileService(): HostileService {
  const ctx = { j: undefined as unknown as Judge, connections: 0, port: 0 };
  const listener = createServer((s) => {
    ctx.connections++;
    s.destroy();
  });
  beforeAll(async () => {
    await new Promise<void>((r) => listener.listen(0, '127.0.0.1', r));
    ctx.port = (listener.address() as { port: number }).port;
    ctx.j = await startJudge({ args: ['--workers', '1'] });
  });
  afterAll(async () => {
    await ctx.j.stop();
    listener.close();
  });
  return ctx;
}

/**
 * The escape of the issue tracker: the error `import()` rejected with belonged to the host realm, so its
 * constructor chain led to the worker's real `process`. `grab(cb)` calls back with it when there is one.
 */
export const ESCAPE = `function grab(cb) {
  try {
    import('node:fs').catch((e) => {
      try { cb(e.constructor.constructor('return process')()); } catch (x) {}
    });
  } catch (x) {}
}`;

/** Pids of the service's sandbox workers (its child processes). */
export function workerPids(j: Judge): number[] {
  const pid = j.proc.pid!;
  return readdirSync(`/proc/${pid}/task`).flatMap((t) =>
    readFileSync(`/proc/${pid}/task/${t}/children`, 'utf8').split(' ').filter(Boolean).map(Number),
  );
}

/** Asserts the service is alive and judges honest submissions right: one accepted, one wrong. */
export async function honestStillServed(j: Judge): Promise<void> {
  expect(j.proc.exitCode).toBeNull();
  expect((await fetch(`${j.url}/healthz`)).status).toBe(200);
  const [right, wrong] = await Promise.all([
    submit(j, { problem_id: 'two-sum', source_code: solution('two-sum', 'accepted.js'), user_id: 'alice' }),
    submit(j, { problem_id: 'two-sum', source_code: solution('two-sum', 'wrong-answer.js'), user_id: 'bob' }),
  ]);
  expect([right.body.verdict, wrong.body.verdict]).toEqual(['accepted', 'wrong-answer']);
}
