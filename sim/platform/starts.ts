import { messageOf } from '../util/errors.js';

/**
 * Runs every start at once and waits for all of them; if any fails, the ones that succeeded are undone before the
 * first failure is rethrown (with how many others failed), so a partial start never outlives its error.
 */
export async function startAll<T>(
  starts: (() => Promise<T>)[],
  undo: (started: T) => Promise<unknown>,
): Promise<T[]> {
  const settled = await Promise.allSettled(starts.map((s) => s()));
  const failed = settled.filter((s): s is PromiseRejectedResult => s.status === 'rejected');
  const ok = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  if (failed.length === 0) return ok;
  await Promise.allSettled(ok.map(undo));
  const first = failed[0]!.reason;
  if (failed.length > 1 && first instanceof Error)
    first.message += ` (and ${failed.length - 1} more: ${failed
      .slice(1)
      .map((f) => messageOf(f.reason))
      .join('; ')})`;
  throw first;
}

/** Runs `start`; if `more` then fails, `undo`es it before rethrowing. */
export async function thenOrUndo<T, R>(
  start: () => Promise<T>,
  more: (started: T) => Promise<R>,
  undo: (started: T) => Promise<unknown>,
): Promise<R> {
  const started = await start();
  try {
    return await more(started);
  } catch (error) {
    await Promise.resolve()
      .then(() => undo(started))
      .catch(() => undefined);
    throw error;
  }
}

/**
 * The starts of one platform still in flight, so that `dispose()` can stop them: closing aborts their waits and
 * resolves once each has settled (a start that finishes after the close undoes itself through {@link assertOpen}).
 */
export class Starts {
  private readonly inflight = new Set<Promise<unknown>>();
  private readonly closing = new AbortController();

  /** Aborted when the platform is disposed; pass it (with the run's own signal) to every wait of a start. */
  get signal(): AbortSignal {
    return this.closing.signal;
  }

  /** Whether the platform is being disposed. */
  get closed(): boolean {
    return this.closing.signal.aborted;
  }

  /** Remembers a start until it settles. */
  track<T>(start: Promise<T>): Promise<T> {
    this.inflight.add(start);
    start.then(
      () => this.inflight.delete(start),
      () => this.inflight.delete(start),
    );
    return start;
  }

  /** Throws when the platform is being disposed: a start that got this far must undo what it made. */
  assertOpen(what: string): void {
    if (this.closed) throw new Error(`${what}: the platform is shutting down`);
  }

  /** Aborts every start in flight and waits until each has settled. */
  async close(): Promise<void> {
    this.closing.abort(new Error('the platform is shutting down'));
    await Promise.allSettled([...this.inflight]);
  }

  /** The run's signal combined with this platform's closing signal. */
  with(signal: AbortSignal | undefined): AbortSignal {
    return signal ? AbortSignal.any([signal, this.signal]) : this.signal;
  }
}
