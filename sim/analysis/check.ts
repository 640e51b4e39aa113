import type { Measurement } from '../vocabulary/measurement.js';

/** A question the controller asks of monitoring at each analysis interval. */
export interface Check {
  readonly name: string;
  /** Failure-counting limits of this check. */
  readonly limits: {
    failureLimit: number;
    consecutiveFailureLimit?: number | undefined;
    inconclusiveLimit?: number | undefined;
    consecutiveErrorLimit?: number | undefined;
  };
  /** Measures at `now`, looking at data since `since` (when the candidate started taking traffic). Never throws. */
  measure(now: number, since: number): Measurement;
  /**
   * Fetches what `measure(now, since)` will read, when the data lives outside the harness (a Prometheus
   * answering over HTTP). The controller awaits it just before the round at the same `now`. Never rejects.
   */
  prepare?(now: number, since: number): Promise<void>;
}

/** Wraps a measurement function so that an exception becomes an `error` measurement. */
export function safely(name: string, now: number, fn: () => Measurement): Measurement {
  try {
    return fn();
  } catch (error) {
    return {
      check: name,
      at: now,
      phase: 'error',
      message: error instanceof Error ? error.message : String(error),
    };
  }
}
