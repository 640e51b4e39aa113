import { z } from 'zod';
import type { Queries } from '../monitor/queries.js';
import type { Measurement } from '../vocabulary/measurement.js';
import { type Check, safely } from './check.js';
import {
  type CheckDefaults,
  type CheckVersions,
  checkBase,
  fmt,
  type NoDataPolicy,
  noDataMeasurement,
} from './check-base.js';
import { type CountInterval, sequentialEvidence } from './stats/sequential.js';
import type { WeightHistory } from './weight-history.js';

/** Canary vs stable on error-like counts: the anytime-valid sequential test of sim/analysis/README.md §2. */
export const sequentialCheckSchema = z.strictObject({
  ...checkBase,
  /** `error_rate`: 5xx answers per request (router); `rejected_verdicts`: non-Accepted verdicts per verdict (service). */
  compare: z.enum(['error_rate', 'rejected_verdicts']),
  test: z.literal('sequential'),
  /** False-alarm bound, however often the controller looks. */
  alpha: z.number().gt(0).lt(0.5).default(0.01),
  /** Prior strength k of the Beta(k·ρ0, k·(1−ρ0)) mixing prior. */
  prior: z.number().gt(0).default(100),
});

/** A sequential check as the controller receives it. */
export type SequentialCheckConfig = z.output<typeof sequentialCheckSchema>;

/**
 * Accumulates canary and comparator error counts per interval since the candidate took traffic, each
 * interval cut at the weight changes so that it has one canary share, and fails as soon as the evidence
 * O that the canary errs more per request reaches 1/α. The always-valid p-value is min(1/O) so far.
 */
export class SequentialCheck implements Check {
  readonly name: string;
  readonly limits: Check['limits'];
  private readonly noData: NoDataPolicy;
  /** Successful measurements carry no message (`CheckDefaults.messages`). */
  private readonly quiet: boolean;
  private intervals: CountInterval[] = [];
  /** The first four distinct canary shares of `intervals`, formatted (kept as they come: a look costs O(new intervals)). */
  private shares: string[] = [];
  private measuredTo: number | undefined;
  private minP = 1;

  constructor(
    private readonly config: SequentialCheckConfig,
    private readonly queries: Queries,
    private readonly versions: CheckVersions,
    private readonly weights: WeightHistory,
    defaults: CheckDefaults,
  ) {
    this.name =
      config.name ??
      `${config.compare} canary vs ${versions.baseline ? 'baseline' : 'stable'} (sequential, α=${config.alpha})`;
    this.limits = config;
    this.noData = config.noData ?? defaults.noData;
    this.quiet = defaults.messages === 'decisions';
  }

  measure(now: number, since: number): Measurement {
    return safely(this.name, now, () => {
      const comparator = this.versions.baseline
        ? `${this.versions.baseline} (or ${this.versions.stable})`
        : this.versions.stable;
      if (this.measuredTo === undefined || this.measuredTo < since) {
        this.intervals = [];
        this.shares = [];
        this.measuredTo = since;
      }
      for (const part of this.weights.split(this.measuredTo, now)) {
        const c = this.counts(this.versions.candidate, part.from, part.to);
        // The baseline takes no traffic while the candidate only gets shadow copies: stable is the comparator then.
        const fromBaseline = this.versions.baseline
          ? this.counts(this.versions.baseline, part.from, part.to)
          : undefined;
        const b =
          fromBaseline && fromBaseline.requests > 0
            ? fromBaseline
            : this.counts(this.versions.stable, part.from, part.to);
        if (!c || !b || c.requests + b.requests === 0) continue;
        const share = c.requests / (c.requests + b.requests);
        this.intervals.push({ ec: c.errors, eb: b.errors, share });
        if (this.shares.length < 4) {
          const shown = fmt(share);
          if (!this.shares.includes(shown)) this.shares.push(shown);
        }
      }
      this.measuredTo = now;
      const evidence = sequentialEvidence(this.intervals, this.config.prior);
      if (!evidence) {
        const anyTraffic = this.intervals.some((i) => i.share > 0 && i.share < 1);
        const why = anyTraffic
          ? `no ${this.config.compare === 'error_rate' ? 'errors' : 'rejected verdicts'} on either version yet: nothing to compare`
          : `no requests on both ${this.versions.candidate} and ${comparator} yet`;
        // No errors at all is evidence of nothing wrong, not missing data: the check passes once both versions serve.
        if (anyTraffic)
          return { check: this.name, at: now, phase: 'successful', value: 1, message: `${why}; p = 1` };
        return noDataMeasurement(this.name, now, this.noData, why);
      }
      const o = Math.exp(evidence.lnO);
      if (evidence.canaryWorse) this.minP = Math.min(this.minP, 1 / o);
      const failed = evidence.canaryWorse && o >= 1 / this.config.alpha;
      if (!failed && this.quiet)
        return { check: this.name, at: now, phase: 'successful', value: this.minP, message: '' };
      const shares = this.shares.join('/');
      const shown = `canary ${evidence.ec} vs ${comparator} ${evidence.eb} ${this.config.compare === 'error_rate' ? 'errors' : 'rejected verdicts'} (canary share ${shares}, ${fmt(evidence.expectedEc)} expected); O = ${fmt(o)}, always-valid p = ${fmt(this.minP)}`;
      if (failed) {
        return {
          check: this.name,
          at: now,
          phase: 'failed',
          value: this.minP,
          message: `${shown} <= α ${this.config.alpha}: canary errs more per request`,
        };
      }
      return { check: this.name, at: now, phase: 'successful', value: this.minP, message: shown };
    });
  }

  private counts(
    version: string,
    from: number,
    to: number,
  ): { errors: number; requests: number } | undefined {
    return this.config.compare === 'error_rate'
      ? this.queries.errorCounts(version, from, to)
      : this.queries.rejectedVerdictCounts(version, from, to);
  }
}
