import { z } from 'zod';
import { bucketQuantile, type Queries } from '../monitor/queries.js';
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
import { mannWhitneyBinned } from './stats/mann-whitney.js';

/** Canary vs stable latency: a Mann-Whitney U test (Kayenta's judge), sim/analysis/README.md §3. */
export const mannWhitneyCheckSchema = z.strictObject({
  ...checkBase,
  compare: z.literal('latency'),
  test: z.literal('mann-whitney'),
  /** Overall false-alarm bound across every look (spent as α·6/(π²·j²) at look j). */
  alpha: z.number().gt(0).lt(0.5).default(0.02),
  /** The canary fails only if its `quantile` latency is at least this many times stable's as well. */
  allowedIncrease: z.number().min(1).default(1.2),
  quantile: z.number().gt(0).lt(1).default(0.5),
  /** Fewest requests per version (Kayenta warns below 50). */
  minSamples: z.number().int().min(2).default(50),
});

/** A Mann-Whitney check as the controller receives it. */
export type MannWhitneyCheckConfig = z.output<typeof mannWhitneyCheckSchema>;

/**
 * Each request's router latency is a sample, ranked by its histogram bucket (bins are tie groups). The
 * canary fails when its latencies are stochastically larger (one-sided U test) at the look's share of
 * α, and its quantile latency exceeds stable's by `allowedIncrease` (the effect must matter, not just
 * exist). Spending α as α·6/(π²j²) over looks j = 1, 2, … keeps the false-alarm rate at most α however
 * often the controller looks (a union bound; windows may overlap).
 */
export class MannWhitneyCheck implements Check {
  readonly name: string;
  readonly limits: Check['limits'];
  private readonly noData: NoDataPolicy;
  private readonly windowMs: number;
  private looks = 0;

  constructor(
    private readonly config: MannWhitneyCheckConfig,
    private readonly queries: Queries,
    private readonly versions: CheckVersions,
    defaults: CheckDefaults,
  ) {
    this.name =
      config.name ??
      `latency canary vs ${versions.baseline ? 'baseline' : 'stable'} (Mann-Whitney, α=${config.alpha})`;
    this.limits = config;
    this.noData = config.noData ?? defaults.noData;
    this.windowMs = config.window ?? defaults.windowMs;
  }

  measure(now: number, since: number): Measurement {
    return safely(this.name, now, () => {
      const comparator = this.versions.baseline ?? this.versions.stable;
      const from = Math.max(since, now - this.windowMs);
      const c = this.queries.latencyBins(this.versions.candidate, from, now);
      const b = this.queries.latencyBins(comparator, from, now);
      const bounds = [...new Set([...c, ...b].map(([le]) => le))].sort((x, y) => x - y);
      const countsOf = (bins: [number, number][]) =>
        bounds.map((le) => bins.find(([l]) => l === le)?.[1] ?? 0);
      const x = countsOf(c);
      const y = countsOf(b);
      const nx = x.reduce((s, v) => s + v, 0);
      const ny = y.reduce((s, v) => s + v, 0);
      if (nx < this.config.minSamples || ny < this.config.minSamples) {
        return noDataMeasurement(
          this.name,
          now,
          this.noData,
          `${nx} canary and ${ny} ${comparator} requests in the window, fewer than minSamples ${this.config.minSamples}`,
        );
      }
      const test = mannWhitneyBinned(x, y)!;
      this.looks++;
      const alphaHere = (this.config.alpha * 6) / (Math.PI * Math.PI * this.looks * this.looks);
      const qc = quantileMs(this.config.quantile, bounds, x);
      const qb = quantileMs(this.config.quantile, bounds, y);
      const ratio = qb > 0 ? qc / qb : qc > 0 ? Number.POSITIVE_INFINITY : 1;
      const q = `p${Math.round(this.config.quantile * 100)}`;
      const shown = `canary ${q} ${fmt(qc)} ms vs ${comparator} ${fmt(qb)} ms (×${fmt(ratio)}) over ${nx}/${ny} requests; P(canary slower) = ${fmt(test.effect)}, p = ${test.pGreater.toExponential(2)} (look ${this.looks}, α here ${alphaHere.toExponential(2)})`;
      if (test.pGreater < alphaHere && ratio >= this.config.allowedIncrease) {
        return {
          check: this.name,
          at: now,
          phase: 'failed',
          value: ratio,
          requests: nx,
          message: `${shown}: canary slower by more than ×${this.config.allowedIncrease}`,
        };
      }
      return { check: this.name, at: now, phase: 'successful', value: ratio, requests: nx, message: shown };
    });
  }
}

function quantileMs(q: number, bounds: number[], counts: number[]): number {
  let cum = 0;
  const cumulative: [number, number][] = bounds.map((le, i) => {
    cum += counts[i]!;
    return [le, cum];
  });
  return bucketQuantile(q, cumulative);
}
