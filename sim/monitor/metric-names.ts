// Every metric name the harness reads or writes, in one place: the router's (defined in its program), the judge
// service's and the k6 script's. The queries, the simulation, the fault probes and the k6 export use these.
export { routerMetrics } from '../router/metric-names.js';

/**
 * The judge service's metrics the harness and the benches read (histograms without their `_bucket`, `_sum` and
 * `_count` series). `fixtures/judge-service/` imports nothing from `sim/` and keeps its own literals;
 * `test/judge-service/metric-names.test.ts` checks that its registry serves every one of these.
 */
export const judgeMetrics = {
  httpRequests: 'judge_http_requests_total',
  submissionsJudged: 'judge_submissions_judged_total',
  leaderboardLag: 'judge_leaderboard_update_lag_seconds',
  queueDepth: 'judge_queue_depth',
  faultInjections: 'judge_fault_injections_total',
  storeWriteBlocking: 'judge_store_write_blocking_seconds',
  eventLoopDelay: 'judge_event_loop_delay_seconds',
  eventLoopDelayMax: 'judge_event_loop_delay_max_seconds',
  /** From prom-client's default process metrics, which the service registers with the `judge_` prefix. */
  residentMemory: 'judge_process_resident_memory_bytes',
  processStartTime: 'judge_process_start_time_seconds',
} as const;

/** The custom metrics the generated k6 script records, per serving version. */
export const k6Metrics = {
  latency: 'rehearsal_latency',
  failed: 'rehearsal_failed',
  requests: 'rehearsal_requests',
  wrongVerdict: 'rehearsal_wrong_verdict',
} as const;
