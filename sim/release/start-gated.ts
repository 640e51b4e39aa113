import type { Clock } from '../clock/clock.js';
import type { Deployment } from '../platform/platform.js';
import { messageOf } from '../util/errors.js';

/** Thrown inside a release plan to roll back, with the reason. */
export class Rollback extends Error {}

/**
 * Waits for instances to start and become ready; a start that fails, or that misses the progress
 * deadline (Kubernetes' progressDeadlineSeconds), becomes a Rollback with the reason.
 */
export async function startGated(
  clock: Clock,
  start: () => Promise<Deployment>,
  deadlineMs: number | undefined,
  signal: AbortSignal,
): Promise<Deployment> {
  const started = start();
  try {
    if (deadlineMs === undefined) return await started;
    const timer = new AbortController();
    const onAbort = () => timer.abort();
    signal.addEventListener('abort', onAbort, { once: true });
    const deadline = clock.sleep(deadlineMs, timer.signal).then(
      () => {
        throw new Rollback(`progress deadline: instances not ready within ${deadlineMs / 1000}s`);
      },
      () => new Promise<never>(() => undefined),
    );
    try {
      return await Promise.race([started, deadline]);
    } finally {
      timer.abort();
      signal.removeEventListener('abort', onAbort);
    }
  } catch (error) {
    if (error instanceof Rollback || signal.aborted) throw error;
    throw new Rollback(`instances failed to start or become ready: ${messageOf(error)}`);
  }
}
