import type { MetricName } from './metrics.js';
import type { MetricStore } from './store.js';

const REQUESTS = 'rehearsal_router_requests_total';
const BUCKETS = 'rehearsal_router_request_duration_seconds_bucket';
const JUDGED = 'judge_submissions_judged_total';
/** Codes that count as errors: 5xx, and connections the router reset (the user got no response at all). */
const ERROR_CODES = /^(5\d\d|reset)$/;

/** A query's answer: the value and how many requests it rests on. */
export interface QueryValue {
  value: number;
  requests: number;
}

/** The questions a release controller asks of monitoring, per version over a window. */
export class Queries {
  constructor(private readonly store: MetricStore) {}

  /** Evaluates a named metric for `version` over (from, to]; undefined means no data. */
  metric(name: MetricName, version: string, from: number, to: number): QueryValue | undefined {
    switch (name) {
      case 'error_rate':
        return this.errorRate(version, from, to);
      case 'request_rate': {
        const requests = this.store.increase(REQUESTS, { version }, from, to);
        return requests === undefined ? undefined : { value: requests / ((to - from) / 1000), requests };
      }
      case 'latency_p50_ms':
        return this.latencyQuantile(version, 0.5, from, to);
      case 'latency_p95_ms':
        return this.latencyQuantile(version, 0.95, from, to);
      case 'latency_p99_ms':
        return this.latencyQuantile(version, 0.99, from, to);
      case 'acceptance_rate':
        return this.acceptanceRate(version, from, to);
    }
  }

  /** Business metric: share of the verdicts the version's instances judged that are `accepted` (a wrong judge shifts it at HTTP 200). */
  acceptanceRate(version: string, from: number, to: number): QueryValue | undefined {
    const judged = this.store.increase(JUDGED, { version }, from, to);
    if (judged === undefined || judged === 0) return undefined;
    const accepted = this.store.increase(JUDGED, { version, verdict: 'accepted' }, from, to) ?? 0;
    return { value: accepted / judged, requests: judged };
  }

  /** Share of requests answered 5xx (including the router's own 502/503 for the version) or reset. */
  errorRate(version: string, from: number, to: number): QueryValue | undefined {
    const requests = this.store.increase(REQUESTS, { version }, from, to);
    if (requests === undefined || requests === 0) return undefined;
    const errors = this.store.increase(REQUESTS, { version, code: ERROR_CODES }, from, to) ?? 0;
    return { value: errors / requests, requests };
  }

  /** Error and request counts over the window (for count tests). */
  errorCounts(version: string, from: number, to: number): { errors: number; requests: number } | undefined {
    const requests = this.store.increase(REQUESTS, { version }, from, to);
    if (requests === undefined) return undefined;
    return { errors: this.store.increase(REQUESTS, { version, code: ERROR_CODES }, from, to) ?? 0, requests };
  }

  /** A latency quantile in milliseconds, interpolated within histogram buckets as histogram_quantile does. */
  latencyQuantile(version: string, q: number, from: number, to: number): QueryValue | undefined {
    const byLe = new Map<number, number>();
    for (const s of this.store.select(BUCKETS, { version })) {
      const le = s.labels.le === '+Inf' ? Number.POSITIVE_INFINITY : Number(s.labels.le);
      const inc = this.store.increase(BUCKETS, { ...s.labels }, from, to);
      if (inc !== undefined) byLe.set(le, (byLe.get(le) ?? 0) + inc);
    }
    const buckets = [...byLe.entries()].sort((a, b) => a[0] - b[0]);
    const total = buckets.at(-1)?.[1] ?? 0;
    if (total === 0) return undefined;
    return { value: bucketQuantile(q, buckets) * 1000, requests: total };
  }
}

/** histogram_quantile over cumulative (le, count) pairs sorted by le. */
export function bucketQuantile(q: number, buckets: [number, number][]): number {
  const total = buckets.at(-1)![1];
  const rank = q * total;
  let prevLe = 0;
  let prevCount = 0;
  for (const [le, count] of buckets) {
    if (count >= rank) {
      if (le === Number.POSITIVE_INFINITY) return prevLe;
      if (count === prevCount) return le;
      return prevLe + ((le - prevLe) * (rank - prevCount)) / (count - prevCount);
    }
    prevLe = le;
    prevCount = count;
  }
  return prevLe;
}
