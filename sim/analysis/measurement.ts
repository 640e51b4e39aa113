import type { Measurement } from '../vocabulary/measurement.js';

/** Counts a check's measurements and decides when it has failed, per its limits. */
export class CheckTally {
  failures = 0;
  consecutiveFailures = 0;
  inconclusive = 0;
  errors = 0;
  consecutiveErrors = 0;
  successes = 0;

  constructor(
    private readonly limits: {
      failureLimit: number;
      consecutiveFailureLimit?: number | undefined;
      inconclusiveLimit?: number | undefined;
      consecutiveErrorLimit?: number | undefined;
    },
  ) {}

  /** Counts one measurement. */
  add(m: Measurement): void {
    if (m.phase === 'failed') {
      this.failures++;
      this.consecutiveFailures++;
    } else this.consecutiveFailures = 0;
    if (m.phase === 'error') {
      this.errors++;
      this.consecutiveErrors++;
    } else this.consecutiveErrors = 0;
    if (m.phase === 'inconclusive') this.inconclusive++;
    if (m.phase === 'successful') this.successes++;
  }

  /** `failed` once past a limit, `inconclusive` once past the inconclusive limit, else `running`. */
  get state(): 'running' | 'failed' | 'inconclusive' {
    const { failureLimit, consecutiveFailureLimit, inconclusiveLimit } = this.limits;
    const consecutiveErrorLimit = this.limits.consecutiveErrorLimit ?? 4;
    if (this.failures > failureLimit) return 'failed';
    if (consecutiveFailureLimit !== undefined && this.consecutiveFailures >= consecutiveFailureLimit)
      return 'failed';
    if (this.consecutiveErrors > consecutiveErrorLimit) return 'failed';
    if (inconclusiveLimit !== undefined && this.inconclusive > inconclusiveLimit) return 'inconclusive';
    return 'running';
  }
}
