import { readdirSync, readFileSync } from 'node:fs';
import { expect } from 'vitest';
import { type Judge, solution, submit } from '../helpers.js';

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
