import { setTimeout as sleep } from 'node:timers/promises';
import { RehearsalError } from '../../util/errors.js';

/** Polls `url` until it answers 2xx, or fails after `timeoutMs` with the last answer as the reason. */
export async function waitReady(url: string, timeoutMs: number, signal?: AbortSignal): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer';
  while (Date.now() < deadline) {
    signal?.throwIfAborted();
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(1000) });
      await res.arrayBuffer();
      if (res.ok) return;
      last = `HTTP ${res.status}`;
    } catch (error) {
      last = error instanceof Error ? error.message : String(error);
    }
    await sleep(50);
  }
  throw new RehearsalError(
    `${url} not ready within ${timeoutMs} ms (last: ${last})`,
    'check the instance log in the run folder',
  );
}
