import type { MetricName } from '../monitor/metrics.js';

/** A PromQL query mapped onto a built-in metric: the metric, and how to turn a bound on the query into one on it. */
export interface MappedQuery {
  metric: MetricName;
  /** The query's value → the metric's value (e.g. a success rate in percent → an error rate share). */
  convert(bound: number): number;
  /** Whether `convert` turns a lower bound into an upper one (success rate ≥ x → error rate ≤ 1 − x). */
  flips: boolean;
  /** The query's range selector (`[5m]`) in milliseconds, when it has one: the window of the check. */
  rangeMs?: number;
}

const QUANTILES: Record<string, MetricName> = {
  '0.5': 'latency_p50_ms',
  '0.50': 'latency_p50_ms',
  '0.95': 'latency_p95_ms',
  '0.99': 'latency_p99_ms',
};

/**
 * Maps the common shapes of a canary query onto a built-in metric, or returns undefined:
 * `histogram_quantile(0.95|0.99|0.5, … _bucket …)` (seconds or milliseconds) → latency_pNN_ms;
 * a ratio of request counters whose numerator selects `code=~"5.."` → error_rate, `code!~"5.."` → a success rate
 * (mapped to error_rate with the bound flipped); `* 100` or `100 *` marks a percentage.
 */
export function mapPromQL(query: string): MappedQuery | undefined {
  const q = query.replace(/\s+/g, ' ').trim();
  const range = /\[(\d+(?:\.\d+)?(?:ms|s|m|h))\]/.exec(q);
  const rangeMs = range ? goDurationMs(range[1]!) : undefined;
  const withRange = rangeMs !== undefined ? { rangeMs } : {};
  const quantile = /histogram_quantile\s*\(\s*([0-9.]+)\s*,/.exec(q);
  if (quantile) {
    const metric = QUANTILES[quantile[1]!];
    if (!metric || !/_bucket/.test(q)) return undefined;
    const inSeconds = !/(_ms_|millisecond)/.test(q);
    return { metric, convert: (b) => (inSeconds ? b * 1000 : b), flips: false, ...withRange };
  }
  if (!q.includes('/')) return undefined;
  const [numerator] = q.split(/\/(?![^{]*})/);
  if (!numerator || !/_total|_count/.test(q)) return undefined;
  const percent = /\*\s*100\b|\b100\s*\*/.test(q);
  const share = (b: number) => (percent ? b / 100 : b);
  const errors = /(code|status|status_code|response_code)\s*=~\s*"5(\.\.|xx|\[0-9\]\[0-9\])"/.test(numerator);
  const successes = /(code|status|status_code|response_code)\s*!~\s*"5(\.\.|xx|\[0-9\]\[0-9\])"/.test(
    numerator,
  );
  if (errors) return { metric: 'error_rate', convert: share, flips: false, ...withRange };
  if (successes)
    return { metric: 'error_rate', convert: (b) => round(1 - share(b)), flips: true, ...withRange };
  return undefined;
}

/** A Go duration (`90s`, `1m30s`, `1h`, `250ms`) or a number of seconds in milliseconds; undefined if malformed. */
export function goDurationMs(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value * 1000 : undefined;
  if (typeof value !== 'string') return undefined;
  const s = value.trim();
  if (/^\d+$/.test(s)) return Number(s) * 1000;
  if (!/^(\d+(\.\d+)?(ms|s|m|h))+$/.test(s)) return undefined;
  const units: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  let ms = 0;
  for (const m of s.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)) ms += Number(m[1]) * units[m[2]!]!;
  return ms;
}

function round(v: number): number {
  return Math.round(v * 1e9) / 1e9;
}
