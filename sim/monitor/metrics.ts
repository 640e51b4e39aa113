/** Metric names a check can name, each with its unit and direction. */
export const metricCatalog = {
  error_rate: { unit: 'ratio', description: 'share of requests answered 5xx or failed at the router' },
  request_rate: { unit: 'req/s', description: 'requests per second served' },
  latency_p50_ms: { unit: 'ms', description: 'median latency seen by the router' },
  latency_p95_ms: { unit: 'ms', description: '95th percentile latency seen by the router' },
  latency_p99_ms: { unit: 'ms', description: '99th percentile latency seen by the router' },
  acceptance_rate: { unit: 'ratio', description: 'business metric: share of verdicts judged by the version that are "accepted"' },
} as const;

/** A metric a check can name. */
export type MetricName = keyof typeof metricCatalog;

/** The metric names, for schemas. */
export const metricNames = Object.keys(metricCatalog) as [MetricName, ...MetricName[]];
