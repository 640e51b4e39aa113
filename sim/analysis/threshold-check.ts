import { z } from 'zod';
import { metricCatalog, metricNames } from '../monitor/metrics.js';
import type { PrometheusSource } from '../monitor/prometheus.js';
import { type PromQLMetric, promQLFor, unknownPlaceholders } from '../monitor/promql.js';
import type { Queries, QueryValue } from '../monitor/queries.js';
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
    /** A built-in metric (with Prometheus as the source: its default PromQL). */
    metric: z.enum(metricNames).optional(),
    /**
     * PromQL instead of a built-in metric (monitoring.source prometheus only), templated like Argo Rollouts and
     * Flagger: `{{version}}`, `{{window}}`, `{{interval}}`. It must come to one number (aggregate with sum/max).
     */
    query: z
      .string()
      .min(1)
      .refine((q) => unknownPlaceholders(q).length === 0, {
        error: (i) =>
          `unknown placeholder(s) ${unknownPlaceholders(String(i.input))
            .map((p) => `{{${p}}}`)
            .join(', ')}: use {{version}}, {{window}} or {{interval}}`,
      })
      .optional(),
    /** With `query:`: PromQL for the count the value rests on (requests, verdicts), checked against minRequests. */
    requestsQuery: z.string().min(1).optional(),
    /** With `query:`: the value's unit, for messages (`ratio` also applies minFailures). */
    unit: z.string().optional(),
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
  })
  .refine((c) => (c.metric === undefined) !== (c.query === undefined), {
    message: 'needs exactly one of metric (a built-in metric) or query (PromQL)',
    path: ['metric'],
  })
  .refine((c) => c.query !== undefined || (c.requestsQuery === undefined && c.unit === undefined), {
    message: 'requestsQuery and unit go with query:',
    path: ['requestsQuery'],
  });

/** A threshold check as the controller receives it. */
export type ThresholdCheckConfig = z.output<typeof thresholdCheckSchema>;

/** A metric of one version over a window, compared with a bound. */
export class ThresholdCheck implements Check {
  readonly name: string;
  readonly limits: Check['limits'];
  readonly prepare?: (now: number, since: number) => Promise<void>;
  private readonly noData: NoDataPolicy;
  /** Successful measurements carry no message (`CheckDefaults.messages`). */
  private readonly quiet: boolean;
  private readonly windowMs: number;
  private readonly entry: { unit: string; basis: string };
  private readonly label: string;
  private readonly promql: PromQLMetric | undefined;
  /** With Prometheus: the answer fetched for the round at `at` (or why there is none). */
  private fetched: { at: number; result?: QueryValue | undefined; error?: string } | undefined;

  constructor(
    private readonly config: ThresholdCheckConfig,
    private readonly queries: Queries,
    private readonly versions: CheckVersions,
    defaults: CheckDefaults,
    /** Set when monitoring is a Prometheus: the check then measures PromQL alone. */
    private readonly prometheus?: { source: PrometheusSource; intervalMs: number; minRangeMs: number },
  ) {
    this.label = config.metric ?? config.name ?? 'PromQL';
    this.name = config.name ?? `${config.version} ${this.label} ${describeBound(config)}`;
    this.limits = config;
    this.noData = config.noData ?? defaults.noData;
    this.windowMs = config.window ?? defaults.windowMs;
    this.quiet = defaults.messages === 'decisions';
    this.entry = config.metric
      ? metricCatalog[config.metric]
      : { unit: config.unit ?? '', basis: config.requestsQuery ? 'requests' : 'gauge' };
    this.promql = config.query
      ? { value: config.query, ...(config.requestsQuery ? { requests: config.requestsQuery } : {}) }
      : config.metric && prometheus
        ? promQLFor(queries.naming)[config.metric]
        : undefined;
    if (config.query && !prometheus)
      throw new Error(
        `check "${this.name}" is a PromQL query: it needs monitoring.source prometheus on a live run (rehearse run --prometheus, or monitoring.url); the built-in store and rehearse simulate answer only built-in metrics`,
      );
    if (prometheus) this.prepare = (now, since) => this.fetch(prometheus, now, since);
  }

  private version(): string {
    return this.config.version === 'baseline'
      ? (this.versions.baseline ?? this.versions.stable)
      : this.versions[this.config.version];
  }

  private async fetch(
    p: NonNullable<ThresholdCheck['prometheus']>,
    now: number,
    since: number,
  ): Promise<void> {
    const from = Math.max(since, now - this.windowMs);
    try {
      // increase() needs two samples in its range: never shorter than a few scrapes.
      const windowMs = Math.max(now - from, p.minRangeMs);
      const result = await p.source.evaluate(this.promql!, {
        version: this.version(),
        windowMs,
        intervalMs: p.intervalMs,
      });
      this.fetched = { at: now, result };
    } catch (error) {
      this.fetched = {
        at: now,
        error: `Prometheus: ${error instanceof Error ? error.message : String(error)}`,
      };
    }
  }

  measure(now: number, since: number): Measurement {
    return safely(this.name, now, () => {
      const version = this.version();
      const from = Math.max(since, now - this.windowMs);
      let result: QueryValue | undefined;
      if (this.prometheus) {
        const f = this.fetched;
        if (f?.at !== now) throw new Error('no Prometheus answer fetched for this round');
        if (f.error !== undefined) throw new Error(f.error);
        result = f.result;
      } else result = this.queries.metric(this.config.metric!, version, from, now);
      const entry = this.entry;
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
      if (this.quiet && !tooHigh && !tooLow)
        return { check: this.name, at: now, phase: 'successful', value, requests, message: '' };
      const basis = counted ? ` over ${requests} ${entry.basis}` : ` (${requests} instance(s))`;
      const shown = `${this.label} of ${version} = ${fmt(value)} ${entry.unit}${basis}${this.prometheus ? ' (Prometheus)' : ''}`;
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
