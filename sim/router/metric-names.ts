/**
 * The names of the metrics the router exposes on `/metrics` (histograms without their `_bucket`, `_sum` and
 * `_count` series). They live in the program, which imports nothing outside its folder; the harness's queries
 * and the simulation read the same constants through `sim/monitor/metric-names.ts`.
 */
export const routerMetrics = {
  requests: 'rehearsal_router_requests_total',
  requestDuration: 'rehearsal_router_request_duration_seconds',
  upstreamErrors: 'rehearsal_router_upstream_errors_total',
  inflight: 'rehearsal_router_inflight',
  mirrorRequests: 'rehearsal_router_mirror_requests_total',
  mirrorFaults: 'rehearsal_router_mirror_faults_total',
  injectedFaults: 'rehearsal_router_injected_faults_total',
  rewrittenVerdicts: 'rehearsal_router_rewritten_verdicts_total',
} as const;
