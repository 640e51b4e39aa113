import { z } from 'zod';
import { metricCatalog, metricNames } from '../monitor/metrics.js';
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

/** A metric compared with a bound over a window (what Flagger and Argo Rollouts do). */
export const thresholdCheckSchema = z
  .strictObject({
    ...checkBase,
    metric: z.enum(metricNames),
    version: z.enum(['candidate', 'stable', 'baseline']).default('candidate'),
    max: z.number().optional(),
    min: z.number().optional(),
    /** Fewest requests (or verdicts, or submissions: the metric's basis) a value may rest on. */
    minRequests: z.number().int().min(1).default(10),
    /**
     * Ratio metrics only: fewest requests on the wrong side of the bound (failed, rejected) before the
     * check may fail. One error in 60 requests is 1.7%, above a 1% bound, yet says nothing about the rate.
     */
    minFailures: z.number().int().min(1).default(1),
  })
  .refine((c) => c.max !== undefined || c.min !== undefined, {
    message: 'needs a bound: max or min',
    path: ['max'],
  });

/** A threshold check as the controller receives it. */
export type ThresholdCheckConfig = z.output<typeof thresholdCheckSchema>;

/** A metric of one version over a window, compared with a bound. */
export class ThresholdCheck implements Check {
  readonly name: string;
  readonly limits: Check['limits'];
  private readonly noData: NoDataPolicy;
  private readonly windowMs: number;

  constructor(
    private readonly config: ThresholdCheckConfig,
    private readonly queries: Queries,
    private readonly versions: CheckVersions,
    defaults: CheckDefaults,
  ) {
    this.name = config.name ?? `${config.version} ${config.metric} ${describeBound(config)}`;
    this.limits = config;
    this.noData = config.noData ?? defaults.noData;
    this.windowMs = config.window ?? defaults.windowMs;
  }

  measure(now: number, since: number): Measurement {
    return safely(this.name, now, () => {
      const version =
        this.config.version === 'baseline'
          ? (this.versions.baseline ?? this.versions.stable)
          : this.versions[this.config.version];
      const from = Math.max(since, now - this.windowMs);
      const result = this.queries.metric(this.config.metric, version, from, now);
      const entry = metricCatalog[this.config.metric];
      const counted = entry.basis !== 'gauge';
      if (!result || (counted && result.requests < this.config.minRequests)) {
        const why = result
          ? `only ${result.requests} ${entry.basis} in the window, fewer than minRequests ${this.config.minRequests}`
          : `no data for ${version} in the last ${Math.round((now - from) / 1000)}s`;
        return noDataMeasurement(this.name, now, this.noData, why);
      }
      const { value, requests } = result;
      const tooHigh = this.config.max !== undefined && value > this.config.max;
      const tooLow = this.config.min !== undefined && value < this.config.min;
      const basis = counted ? ` over ${requests} ${entry.basis}` : ` (${requests} instance(s))`;
      const shown = `${this.config.metric} of ${version} = ${fmt(value)} ${entry.unit}${basis}`;
      const bad = entry.unit === 'ratio' ? Math.round((tooHigh ? value : 1 - value) * requests) : Infinity;
      if ((tooHigh || tooLow) && bad < this.config.minFailures)
        return {
          check: this.name,
          at: now,
          phase: 'successful',
          value,
          requests,
          message: `${shown}: ${bad} past the bound, fewer than minFailures ${this.config.minFailures}`,
        };
      if (tooHigh)
        return {
          check: this.name,
          at: now,
          phase: 'failed',
          value,
          requests,
          message: `${shown}, above ${this.config.max}`,
        };
      if (tooLow)
        return {
          check: this.name,
          at: now,
          phase: 'failed',
          value,
          requests,
          message: `${shown}, below ${this.config.min}`,
        };
      return { check: this.name, at: now, phase: 'successful', value, requests, message: shown };
    });
  }
}

/** `<= 0.01 and >= 0` for names and plans. */
export function describeBound(c: { max?: number | undefined; min?: number | undefined }): string {
  return [c.max !== undefined ? `<= ${c.max}` : '', c.min !== undefined ? `>= ${c.min}` : '']
    .filter(Boolean)
    .join(' and ');
}
