import type { CheckConfig } from '../../analysis/config.js';
import { k6Metrics } from '../../monitor/metric-names.js';
import type { MetricName } from '../../monitor/metrics.js';

// Client-side metrics only: business metrics (verdicts, queue depth) and comparison checks have no k6 form.
const mapping: Partial<Record<MetricName, { metric: string; stat: string }>> = {
  error_rate: { metric: k6Metrics.failed, stat: 'rate' },
  request_rate: { metric: k6Metrics.requests, stat: 'rate' },
  latency_p50_ms: { metric: k6Metrics.latency, stat: 'p(50)' },
  latency_p95_ms: { metric: k6Metrics.latency, stat: 'p(95)' },
  latency_p99_ms: { metric: k6Metrics.latency, stat: 'p(99)' },
};

/**
 * k6 thresholds from a scenario's analysis checks, on the script's client-side metrics filtered by
 * the serving version (`rehearsal_failed{version:v2}: ['rate<=0.01']`). k6 judges a threshold over the
 * whole run, not over the check's sliding window.
 */
export function thresholdsFromChecks(
  checks: CheckConfig[],
  versions: { stable: string; candidate: string },
): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const check of checks) {
    if (check.kind !== 'threshold' || check.metric === undefined) continue;
    const mapped = mapping[check.metric];
    if (!mapped) continue;
    const { metric, stat } = mapped;
    const key = `${metric}{version:${versions[check.version === 'baseline' ? 'stable' : check.version]}}`;
    const list = out[key] ?? [];
    if (check.max !== undefined) list.push(`${stat}<=${check.max}`);
    if (check.min !== undefined) list.push(`${stat}>=${check.min}`);
    out[key] = [...new Set(list)];
  }
  return out;
}
