import { type Check, safely } from '../analysis/check.js';
import type { Measurement } from '../analysis/measurement.js';
import { SequentialCountTest } from '../analysis/sequential-test.js';
import type { Queries } from '../monitor/queries.js';

/**
 * Canary vs stable errors with the anytime-valid count test (ANALYSIS.md §2), fed the counts of each
 * interval from monitoring. Stand-in until the analysis branch ships its own check; same test function.
 */
export class SequentialErrorCheck implements Check {
  readonly name: string;
  readonly limits = { failureLimit: 0 };
  private readonly test: SequentialCountTest;
  private last = { ce: 0, cr: 0, se: 0, sr: 0 };
  private lastSince: number | undefined;

  constructor(
    private readonly queries: Queries,
    private readonly versions: { stable: string; candidate: string },
    readonly alpha = 0.05,
    k = 100,
  ) {
    this.name = `sequential error test (alpha ${alpha})`;
    this.test = new SequentialCountTest(alpha, k);
  }

  measure(now: number, since: number): Measurement {
    return safely(this.name, now, () => {
      if (this.lastSince !== since) {
        this.lastSince = since;
        this.last = { ce: 0, cr: 0, se: 0, sr: 0 };
      }
      const c = this.queries.errorCounts(this.versions.candidate, since, now);
      const s = this.queries.errorCounts(this.versions.stable, since, now);
      if (!c || !s || c.requests === 0)
        return {
          check: this.name,
          at: now,
          phase: 'inconclusive',
          message: 'no canary or stable counts yet',
        };
      const delta = {
        canaryErrors: c.errors - this.last.ce,
        canaryRequests: c.requests - this.last.cr,
        stableErrors: s.errors - this.last.se,
        stableRequests: s.requests - this.last.sr,
      };
      this.last = { ce: c.errors, cr: c.requests, se: s.errors, sr: s.requests };
      const r = this.test.add(delta);
      const shown = `canary ${c.errors}/${c.requests} errors vs stable ${s.errors}/${s.requests}; evidence ${Math.exp(Math.min(50, r.logOdds)).toPrecision(3)} (reject at ${1 / this.alpha}), p ${r.pValue.toPrecision(3)}`;
      return {
        check: this.name,
        at: now,
        phase: r.reject ? 'failed' : 'successful',
        value: r.pValue,
        requests: c.requests,
        message: shown,
      };
    });
  }
}

/** Multi-window burn rate of the canary's error budget (ANALYSIS.md §4): both windows above `rate` fails. */
export class BurnRateCheck implements Check {
  readonly name: string;
  readonly limits = { failureLimit: 0 };

  constructor(
    private readonly queries: Queries,
    private readonly version: string,
    private readonly slo: number,
    private readonly rate: number,
    private readonly longMs: number,
    private readonly shortMs: number,
    /** Errors the short window needs before it can fire: one or two errors on a few requests are not a burn. */
    private readonly minErrors = 3,
  ) {
    this.name = `burn rate > ${rate} over ${longMs / 1000}s and ${shortMs / 1000}s (SLO ${slo})`;
  }

  measure(now: number, since: number): Measurement {
    return safely(this.name, now, () => {
      const long = this.queries.errorRate(this.version, Math.max(since, now - this.longMs), now);
      const short = this.queries.errorRate(this.version, Math.max(since, now - this.shortMs), now);
      // Until the long window holds four short ones, the two windows see the same few requests: not two signals.
      const young = now - since < 4 * this.shortMs;
      if (!long || !short || young || short.value * short.requests < this.minErrors)
        return {
          check: this.name,
          at: now,
          phase: 'successful',
          message: young ? 'the long window is not filled yet' : 'too few errors to burn budget measurably',
        };
      const budget = 1 - this.slo;
      const burnLong = long.value / budget;
      const burnShort = short.value / budget;
      const shown = `burn ${burnLong.toFixed(1)}x (long), ${burnShort.toFixed(1)}x (short)`;
      const phase = burnLong > this.rate && burnShort > this.rate ? 'failed' : 'successful';
      return { check: this.name, at: now, phase, value: burnLong, requests: long.requests, message: shown };
    });
  }
}
