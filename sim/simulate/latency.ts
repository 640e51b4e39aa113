import { LATENCY_BUCKETS } from '../router/metrics.js';
import { normalCdf } from './draws.js';
import { type ServiceModel, sigmaOf } from './model.js';

/** Shares of each kind of request. */
export interface KindShares {
  submit: number;
  poll: number;
  leaderboard: number;
}

/** Probabilities of the router's latency bins (LATENCY_BUCKETS then +Inf) and of a response slower than `slowMs`. */
export interface LatencyShape {
  bins: number[];
  slow: number;
}

/**
 * Latency of one version as a mixture of per-kind log-normals, stretched by queueing (`factor`) and
 * shifted by injected extra latency. Shapes are cached: a run only sees a handful of distinct ones.
 */
export class LatencyModel {
  private readonly cache = new Map<string, LatencyShape>();
  /**
   * The same shapes by the exact factor and delay asked for, in front of `cache`: a step asks again for what the
   * one before asked, and the rounded key costs more than the shape.
   */
  private readonly exact = new Map<number, Map<number, LatencyShape>>();

  constructor(
    private readonly model: ServiceModel,
    private readonly shares: KindShares,
    private readonly slowMs: number,
  ) {}

  /** The bin probabilities for a queueing factor (≥ 1) and an extra delay in ms. */
  shape(factor: number, extraMs: number): LatencyShape {
    let byExtra = this.exact.get(factor);
    if (!byExtra) {
      byExtra = new Map();
      this.exact.set(factor, byExtra);
    }
    let shape = byExtra.get(extraMs);
    if (shape) return shape;
    const key = `${factor.toFixed(2)}|${extraMs}`;
    shape = this.cache.get(key);
    if (!shape) {
      shape = this.compute(Math.round(factor * 100) / 100, extraMs);
      this.cache.set(key, shape);
    }
    byExtra.set(extraMs, shape);
    return shape;
  }

  /** P(latency ≤ ms) of the mixture. */
  cdf(ms: number, factor: number, extraMs: number): number {
    const total = this.shares.submit + this.shares.poll + this.shares.leaderboard;
    let p = 0;
    for (const kind of ['submit', 'poll', 'leaderboard'] as const) {
      const k = this.model.kinds[kind];
      const x = ms - extraMs;
      const c = x <= 0 ? 0 : normalCdf((Math.log(x) - Math.log(k.medianMs * factor)) / sigmaOf(k));
      p += (this.shares[kind] / total) * c;
    }
    return p;
  }

  private compute(factor: number, extraMs: number): LatencyShape {
    const bins: number[] = [];
    let prev = 0;
    for (const le of LATENCY_BUCKETS) {
      const c = this.cdf(le * 1000, factor, extraMs);
      bins.push(Math.max(0, c - prev));
      prev = c;
    }
    bins.push(Math.max(0, 1 - prev));
    return { bins, slow: 1 - this.cdf(this.slowMs, factor, extraMs) };
  }
}
