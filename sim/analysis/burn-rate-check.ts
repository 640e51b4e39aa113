import { z } from 'zod';
import type { Queries } from '../monitor/queries.js';
import type { Measurement } from '../vocabulary/measurement.js';
import { duration } from '../vocabulary/scenario-fields.js';
import { type Check, safely } from './check.js';
import {
  type CheckDefaults,
  type CheckVersions,
  checkBase,
  fmt,
  type NoDataPolicy,
  noDataMeasurement,
} from './check-base.js';

const HOUR = 3_600_000;
const SLO_PERIOD = 30 * 24 * HOUR;

/** The Google SRE Workbook's multiwindow, multi-burn-rate table for a 30-day SLO period. */
export const workbookRows = [
  { severity: 'page', long: HOUR, short: 5 * 60_000, burnRate: 14.4 },
  { severity: 'page', long: 6 * HOUR, short: 30 * 60_000, burnRate: 6 },
  { severity: 'ticket', long: 72 * HOUR, short: 6 * HOUR, burnRate: 1 },
] as const;

/** SLO burn-rate alert (sim/analysis/README.md §4): both windows of a row burning faster than its rate; rows OR-ed. */
export const burnRateCheckSchema = z.strictObject({
  ...checkBase,
  slo: z.literal('availability'),
  /** Target share of good requests, e.g. 0.999. */
  objective: z.number().gt(0).lt(1),
  version: z.enum(['candidate', 'stable', 'all']).default('candidate'),
  /** What the 30-day SLO period is compressed to in the rehearsal; every window scales by the same factor. */
  period: duration.default(6 * HOUR),
  /** Windows never shorter than this (keep them longer than the scrape interval). */
  minWindow: duration.default(2000),
  severities: z.array(z.enum(['page', 'ticket'])).default(['page']),
  /** Fewest requests a window may rest on; a row with a smaller window is inconclusive (it neither pages nor passes). */
  minRequests: z.number().int().min(1).default(20),
  /** Fewest failed requests in the short window for a row to page (the workbook's low-traffic caveat: 1 of 13 is not 66×). */
  minErrors: z.number().int().min(1).default(3),
});

/** A burn-rate check as the controller receives it. */
export type BurnRateCheckConfig = z.output<typeof burnRateCheckSchema>;

/** The workbook rows with windows scaled to the rehearsal (never under `minWindow`). */
export function scaledRows(config: Pick<BurnRateCheckConfig, 'period' | 'minWindow' | 'severities'>) {
  const f = config.period / SLO_PERIOD;
  return workbookRows
    .filter((r) => config.severities.includes(r.severity))
    .map((r) => ({
      severity: r.severity,
      burnRate: r.burnRate,
      longMs: Math.max(config.minWindow, r.long * f),
      shortMs: Math.max(config.minWindow, r.short * f),
    }));
}

/** Pages when a version burns its error budget too fast over both a long and a short window. */
export class BurnRateCheck implements Check {
  readonly name: string;
  readonly limits: Check['limits'];
  private readonly noData: NoDataPolicy;
  /** Successful measurements carry no message (`CheckDefaults.messages`). */
  private readonly quiet: boolean;
  /** The scaled rows, with the parts of their messages that are the same at every round. */
  private readonly rows: (ReturnType<typeof scaledRows>[number] & { windows: string; alert: string })[];

  constructor(
    private readonly config: BurnRateCheckConfig,
    private readonly queries: Queries,
    private readonly versions: CheckVersions,
    defaults: CheckDefaults,
  ) {
    this.name = config.name ?? `${config.version} availability SLO ${config.objective} burn rate`;
    this.limits = config;
    this.noData = config.noData ?? defaults.noData;
    this.quiet = defaults.messages === 'decisions';
    this.rows = scaledRows(config).map((row) => {
      const long = fmt(row.longMs / 1000);
      const short = fmt(row.shortMs / 1000);
      return {
        ...row,
        windows: `${row.severity} ${long}s/${short}s`,
        alert: `${row.severity} alert (${long}s and ${short}s windows both above ${row.burnRate}×)`,
      };
    });
  }

  measure(now: number, since: number): Measurement {
    return safely(this.name, now, () => {
      const budget = 1 - this.config.objective;
      const burn = (ms: number) => this.errorRatio(Math.max(since, now - ms), now);
      const { minRequests, minErrors } = this.config;
      // With `text` false the rows are judged without their message parts ('' each): a quiet check's successful round.
      const assess = (text: boolean) => {
        const parts: string[] = [];
        const thin: string[] = [];
        let firing: string | undefined;
        let worst = 0;
        let requests = 0;
        for (const row of this.rows) {
          const long = burn(row.longMs);
          const short = burn(row.shortMs);
          if (!long || !short) continue;
          const { windows } = row;
          requests = Math.max(requests, long.requests);
          if (short.requests < minRequests) {
            // Low traffic: one failed request in a dozen reads as a burn of 80×; such a window says nothing yet.
            thin.push(
              text
                ? `${windows}: ${short.requests} requests in the short window, fewer than minRequests ${minRequests}`
                : '',
            );
            continue;
          }
          const bl = long.value / budget;
          const bs = short.value / budget;
          worst = Math.max(worst, Math.min(bl, bs) / row.burnRate);
          const tooFew = short.errors < minErrors;
          parts.push(
            text
              ? `${windows}: ${fmt(bl)}×/${fmt(bs)}× vs ${row.burnRate}×${tooFew ? ` (${short.errors} failed of ${short.requests}, fewer than minErrors ${minErrors}: not paging)` : ''}`
              : '',
          );
          if (!firing && !tooFew && bl > row.burnRate && bs > row.burnRate) firing = row.alert;
        }
        return { parts, thin, firing, worst, requests };
      };
      if (this.quiet) {
        const q = assess(false);
        if (q.parts.length > 0 && !q.firing)
          return {
            check: this.name,
            at: now,
            phase: 'successful',
            value: q.worst,
            requests: q.requests,
            message: '',
          };
      }
      // The same rows again, with their text (the queries are pure: the same figures).
      const { parts, thin, firing, worst, requests } = assess(true);
      if (parts.length === 0)
        return noDataMeasurement(
          this.name,
          now,
          this.noData,
          thin.length > 0
            ? `too few requests for ${this.label()} to judge a burn rate: ${thin.join('; ')}`
            : `no requests for ${this.label()} in the burn-rate windows`,
        );
      const shown = `burn of ${this.label()}: ${[...parts, ...thin.map((t) => `${t} (inconclusive)`)].join('; ')}`;
      if (firing)
        return {
          check: this.name,
          at: now,
          phase: 'failed',
          value: worst,
          requests,
          message: `${shown} → ${firing}`,
        };
      return { check: this.name, at: now, phase: 'successful', value: worst, requests, message: shown };
    });
  }

  private label(): string {
    return this.config.version === 'all' ? 'all versions' : this.versions[this.config.version];
  }

  private errorRatio(
    from: number,
    to: number,
  ): { value: number; errors: number; requests: number } | undefined {
    if (this.config.version !== 'all') {
      const c = this.queries.errorCounts(this.versions[this.config.version], from, to);
      return c && c.requests > 0 ? { value: c.errors / c.requests, ...c } : undefined;
    }
    let errors = 0;
    let requests = 0;
    for (const v of [
      this.versions.stable,
      this.versions.candidate,
      ...(this.versions.baseline ? [this.versions.baseline] : []),
    ]) {
      const c = this.queries.errorCounts(v, from, to);
      if (!c) continue;
      errors += c.errors;
      requests += c.requests;
    }
    return requests > 0 ? { value: errors / requests, errors, requests } : undefined;
  }
}
