import { z } from 'zod';
import { judgeMetrics } from './metric-names.js';

/**
 * The names, labels and label values of the service's own metrics that the built-in metrics read (acceptance
 * rate, submission success, leaderboard lag, queue depth, memory): the sample judge's by default, or a service's
 * own as `service.metricNames` maps them. The built-in store's queries (`queries.ts`) and the default PromQL of the
 * Prometheus source (`promql.ts`) are both written over one of these, so a mapping reaches both.
 */
export interface ServiceMetricNaming {
  /** Verdicts committed (counter): `acceptance_rate` and the verdict count views. */
  judged: { name: string; verdict: string; problem: string; accepted: string };
  /** HTTP requests served (counter): `submission_success_rate` counts the submission route's POSTs. */
  http: {
    name: string;
    route: string;
    method: string;
    status: string;
    submissionsRoute: string;
    post: string;
  };
  /** Acknowledgement → verdict committed (histogram, without `_bucket`): `leaderboard_lag_p95_ms`. */
  leaderboardLag: string;
  /** Submissions waiting (gauge): `judge_queue_depth`. */
  queueDepth: string;
  /** Resident memory in bytes (gauge): `memory_rss_mb`. */
  residentMemory: string;
}

/** The sample judge's own names. */
export const SAMPLE_NAMING: Readonly<ServiceMetricNaming> = Object.freeze({
  judged: {
    name: judgeMetrics.submissionsJudged,
    verdict: 'verdict',
    problem: 'problem',
    accepted: 'accepted',
  },
  http: {
    name: judgeMetrics.httpRequests,
    route: 'route',
    method: 'method',
    status: 'status',
    submissionsRoute: '/submissions',
    post: 'POST',
  },
  leaderboardLag: judgeMetrics.leaderboardLag,
  queueDepth: judgeMetrics.queueDepth,
  residentMemory: judgeMetrics.residentMemory,
});

const metricName = z
  .string()
  .regex(/^[a-zA-Z_:][a-zA-Z0-9_:]*$/, 'must be a Prometheus metric name ([a-zA-Z_:][a-zA-Z0-9_:]*)');
const labelName = z
  .string()
  .regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, 'must be a Prometheus label name ([a-zA-Z_][a-zA-Z0-9_]*)');
const labelValue = z.string().min(1);

/**
 * `service.metricNames` (external services only): for each service metric a built-in check reads, the service's
 * own metric name, and where they differ its label names (`labels: { ours: theirs }`) and the label values a
 * query matches (`values`). Whatever is left out keeps the sample's name.
 */
export const serviceMetricNamesSchema = z.strictObject({
  submissionsJudged: z
    .strictObject({
      name: metricName,
      labels: z.strictObject({ verdict: labelName.optional(), problem: labelName.optional() }).default({}),
      /** `accepted`: the verdict label's value for an accepted submission. */
      values: z.strictObject({ accepted: labelValue.optional() }).default({}),
    })
    .optional(),
  httpRequests: z
    .strictObject({
      name: metricName,
      labels: z
        .strictObject({
          route: labelName.optional(),
          method: labelName.optional(),
          status: labelName.optional(),
        })
        .default({}),
      /** `route`: the route label's value for submission creation; `method`: the POST method's value. */
      values: z.strictObject({ route: labelValue.optional(), method: labelValue.optional() }).default({}),
    })
    .optional(),
  leaderboardLag: z.strictObject({ name: metricName }).optional(),
  queueDepth: z.strictObject({ name: metricName }).optional(),
  residentMemory: z.strictObject({ name: metricName }).optional(),
});

/** A `service.metricNames` block after defaults. */
export type ServiceMetricNames = z.output<typeof serviceMetricNamesSchema>;

/** The naming the queries use: the sample's, with what `mapping` names instead. */
export function serviceNaming(mapping: ServiceMetricNames | undefined): ServiceMetricNaming {
  const s = SAMPLE_NAMING;
  if (mapping === undefined) return s;
  const j = mapping.submissionsJudged;
  const h = mapping.httpRequests;
  return {
    judged: j
      ? {
          name: j.name,
          verdict: j.labels.verdict ?? s.judged.verdict,
          problem: j.labels.problem ?? s.judged.problem,
          accepted: j.values.accepted ?? s.judged.accepted,
        }
      : s.judged,
    http: h
      ? {
          name: h.name,
          route: h.labels.route ?? s.http.route,
          method: h.labels.method ?? s.http.method,
          status: h.labels.status ?? s.http.status,
          submissionsRoute: h.values.route ?? s.http.submissionsRoute,
          post: h.values.method ?? s.http.post,
        }
      : s.http,
    leaderboardLag: mapping.leaderboardLag?.name ?? s.leaderboardLag,
    queueDepth: mapping.queueDepth?.name ?? s.queueDepth,
    residentMemory: mapping.residentMemory?.name ?? s.residentMemory,
  };
}

/**
 * The path of a version's own metrics on each instance: the sample judge's `/metrics`, an external version's
 * `service.versions.<v>.metrics`, or undefined when it has none (then only the router's metrics are read for it).
 */
export function serviceMetricsPath(
  service: {
    kind: 'sample' | 'external';
    versions?: Record<string, { metrics?: string | undefined }> | undefined;
  },
  version: string,
): string | undefined {
  if (service.kind === 'sample') return '/metrics';
  // A baseline pool runs stable's build: `<stable>-baseline` reads stable's definition.
  const own = service.versions?.[version] ?? service.versions?.[version.replace(/-baseline$/, '')];
  return own?.metrics;
}
