/** One injected clock: real time for live runs, virtual time for simulation. */
export interface Clock {
  /** Milliseconds since the epoch (real) or since the start of the simulation (virtual). */
  now(): number;
  /** Resolves after `ms` milliseconds of this clock's time; rejects with an AbortError when `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** Builds the error a sleep rejects with when its signal aborts. */
export function abortError(signal?: AbortSignal): Error {
  const reason = signal?.reason;
  if (reason instanceof Error) return reason;
  const error = new Error('aborted');
  error.name = 'AbortError';
  return error;
}

/**
 * The reason to abort an internal controller with (one whose reason nobody reads), made once: `abort()` without a
 * reason makes a new DOMException, stack trace and all, at every call. Sleeps on its signal reject with it.
 */
export const STOPPED: Error = Object.assign(new Error('stopped'), { name: 'AbortError' });
