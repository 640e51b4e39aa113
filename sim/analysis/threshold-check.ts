import { metricCatalog } from '../monitor/metrics.js';
import type { Queries } from '../monitor/queries.js';
import { type Check, safely } from './check.js';
import type { NoDataPolicy, ThresholdCheckConfig } from './config.js';
import type { Measurement } from './measurement.js';

/** A metric of one version over a window, compared with a bound. */
export class ThresholdCheck implements Check {
  readonly name: string;
  readonly limits: Check['limits'];
  private readonly noData: NoDataPolicy;

  constructor(
    private readonly config: ThresholdCheckConfig,
    private readonly queries: Queries,
    private readonly versions: { stable: string; candidate: string },
    defaults: { windowMs: number; noData: NoDataPolicy },
  ) {
    const bound = [config.max !== undefined ? `<= ${config.max}` : '', config.min !== undefined ? `>= ${config.min}` : ''].filter(Boolean).join(' and ');
    this.name = config.name ?? `${config.version} ${config.metric} ${bound}`;
    this.limits = config;
    this.noData = config.noData ?? defaults.noData;
    this.windowMs = config.window ?? defaults.windowMs;
  }

  private readonly windowMs: number;

  measure(now: number, since: number): Measurement {
    return safely(this.name, now, () => {
      const version = this.versions[this.config.version];
      const from = Math.max(since, now - this.windowMs);
      const result = this.queries.metric(this.config.metric, version, from, now);
      const unit = metricCatalog[this.config.metric].unit;
      if (!result || result.requests < this.config.minRequests) {
        const why = result ? `only ${result.requests} request(s) in the window, fewer than minRequests ${this.config.minRequests}` : `no data for ${version} in the last ${Math.round((now - from) / 1000)}s`;
        return this.onNoData(now, why);
      }
      const { value, requests } = result;
      const tooHigh = this.config.max !== undefined && value > this.config.max;
      const tooLow = this.config.min !== undefined && value < this.config.min;
      const shown = `${this.config.metric} of ${version} = ${format(value)} ${unit} over ${requests} requests`;
      if (tooHigh) return { check: this.name, at: now, phase: 'failed', value, requests, message: `${shown}, above ${this.config.max}` };
      if (tooLow) return { check: this.name, at: now, phase: 'failed', value, requests, message: `${shown}, below ${this.config.min}` };
      return { check: this.name, at: now, phase: 'successful', value, requests, message: shown };
    });
  }

  private onNoData(now: number, why: string): Measurement {
    switch (this.noData) {
      case 'fail':
        return { check: this.name, at: now, phase: 'failed', message: `${why} (noData: fail)` };
      case 'ignore':
        return { check: this.name, at: now, phase: 'successful', message: `${why} (noData: ignore, counted as passing)` };
      case 'inconclusive':
        return { check: this.name, at: now, phase: 'inconclusive', message: `${why} (noData: inconclusive)` };
    }
  }
}

function format(v: number): string {
  return Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 1 ? v.toFixed(2) : v.toFixed(4);
}
