/**
 * Metric names a check can name, each with its unit, what its value rests on, and whether `rehearse
 * simulate` produces it (the router's request counters and latency histogram, the judge service's
 * verdict and submission counters; see sim/simulate/simulated-service.ts).
 */
export const metricCatalog = {
  error_rate: {
    unit: 'ratio',
    basis: 'requests',
    description: 'share of requests answered 5xx or failed at the router',
    simulated: true,
  },
  request_rate: {
    unit: 'req/s',
    basis: 'requests',
    description: 'requests per second served',
    simulated: true,
  },
  latency_p50_ms: {
    unit: 'ms',
    basis: 'requests',
    description: 'median latency seen by the router',
    simulated: true,
  },
  latency_p95_ms: {
    unit: 'ms',
    basis: 'requests',
    description: '95th percentile latency seen by the router',
    simulated: true,
  },
  latency_p99_ms: {
    unit: 'ms',
    basis: 'requests',
    description: '99th percentile latency seen by the router',
    simulated: true,
  },
  acceptance_rate: {
    unit: 'ratio',
    basis: 'verdicts',
    description:
      'share of verdicts committed by the version that are Accepted, as users saw them (router-flipped verdicts counted)',
    simulated: true,
  },
  submission_success_rate: {
    unit: 'ratio',
    basis: 'submissions',
    description: 'share of POST /submissions the version answered 2xx',
    simulated: true,
  },
  leaderboard_lag_p95_ms: {
    unit: 'ms',
    basis: 'verdicts',
    description: '95th percentile of acknowledgement → verdict and leaderboard committed',
    simulated: false,
  },
  judge_queue_depth: {
    unit: 'submissions',
    basis: 'gauge',
    description: 'submissions acknowledged but not yet judged (latest, max over the version’s instances)',
    simulated: false,
  },
  memory_rss_mb: {
    unit: 'MiB',
    basis: 'gauge',
    description: 'resident memory of the service process (latest, max over the version’s instances)',
    simulated: false,
  },
} as const;

/** A metric a check can name. */
export type MetricName = keyof typeof metricCatalog;

/** The metric names, for schemas. */
export const metricNames = Object.keys(metricCatalog) as [MetricName, ...MetricName[]];
