import { routerMetrics } from './metric-names.js';
import type { MetricName } from './metrics.js';
import { SAMPLE_NAMING, type ServiceMetricNaming } from './service-metrics.js';

// PromQL for the checks when monitoring is a Prometheus: the built-in metric names as default queries over the
// router's and judge's series, and the Argo/Flagger-style templating of a check's own `query:`. The queries never
// name the router's per-instance label: they sum over it, so its name does not matter here.

/** The placeholders a query may carry, as Argo Rollouts' AnalysisTemplate and Flagger's MetricTemplate write them. */
export interface PromQLArgs {
  /** The version the check measures (candidate, stable or baseline pool). */
  version: string;
  /** The check's window, in ms (`{{window}}` becomes a PromQL duration like `8000ms`). */
  windowMs: number;
  /** The analysis interval, in ms (`{{interval}}`). */
  intervalMs: number;
}

const PLACEHOLDER = /\{\{\s*([a-zA-Z.]+)\s*\}\}/g;
/** Names a placeholder may use; Flagger writes `{{ target }}`, Argo `{{args.version}}`. */
const ALIASES: Record<string, keyof PromQLArgs> = {
  version: 'version',
  'args.version': 'version',
  target: 'version',
  window: 'windowMs',
  'args.window': 'windowMs',
  interval: 'intervalMs',
  'args.interval': 'intervalMs',
};

/** Placeholders of `template` that are not known (empty when it can be rendered). */
export function unknownPlaceholders(template: string): string[] {
  return [...template.matchAll(PLACEHOLDER)].map((m) => m[1]!).filter((name) => !(name in ALIASES));
}

/** A PromQL duration of whole milliseconds (at least 1ms). */
export function promDuration(ms: number): string {
  return `${Math.max(1, Math.round(ms))}ms`;
}

/** A label value inside double quotes, escaped as PromQL wants. */
export function promString(value: string): string {
  return JSON.stringify(value);
}

/** Renders a query template: `{{version}}` as the bare label value, `{{window}}`/`{{interval}}` as durations. */
export function renderPromQL(template: string, args: PromQLArgs): string {
  return template.replace(PLACEHOLDER, (whole, name: string) => {
    const key = ALIASES[name];
    if (key === undefined) throw new Error(`unknown placeholder ${whole} in PromQL query`);
    const value = args[key];
    // The version goes inside a quoted label value: escaped, so that no name can end the string.
    return typeof value === 'string' ? promString(value).slice(1, -1) : promDuration(value);
  });
}

/** A check's PromQL: the value, and (for metrics that rest on counted things) how many it rests on. */
export interface PromQLMetric {
  value: string;
  requests?: string;
}

const REQ = routerMetrics.requests;
const MIRROR = routerMetrics.mirrorRequests;
const DURATION = `${routerMetrics.requestDuration}_bucket`;
const REWRITTEN = routerMetrics.rewrittenVerdicts;
const ROUTER = 'job="router",version="{{version}}"';
const JUDGE = 'job="judge",version="{{version}}"';
/** The built-in store's error codes (5xx, reset, 499), as a PromQL regex. */
const ERROR_CODES = '5..|reset|499';

const inc = (selector: string) => `sum(increase(${selector}[{{window}}]))`;
/** A sum that is 0, not empty, when no series matches (PromQL's `+` of an empty vector is empty). */
const inc0 = (selector: string) => `(${inc(selector)} or vector(0))`;
const requests = `(${inc0(`${REQ}{${ROUTER}}`)} + ${inc0(`${MIRROR}{${ROUTER}}`)})`;
const quantile = (q: number, bucket: string, match: string, scale: number) =>
  `histogram_quantile(${q}, sum by (le) (increase(${bucket}{${match}}[{{window}}]))) * ${scale}`;
const latency = (q: number): PromQLMetric => ({
  value: quantile(q, DURATION, ROUTER, 1000),
  requests: inc(`${routerMetrics.requestDuration}_count{${ROUTER}}`),
});
/** `name="value"` with the value escaped. */
const eq = (name: string, value: string) => `${name}=${promString(value)}`;

/**
 * The default PromQL of every built-in metric over a service's metric naming (the sample judge's, or an external
 * service's `service.metricNames`): what `sim/monitor/queries.ts` computes from the built-in store, written over
 * the same series (ratios as increase() over increase(), quantiles with histogram_quantile). The acceptance rate
 * counts the verdicts the router flipped (`rehearsal_router_rewritten_verdicts_total`) as users saw them.
 */
export function promQLFor(naming: ServiceMetricNaming): Record<MetricName, PromQLMetric> {
  let queries = written.get(naming);
  if (queries === undefined) {
    queries = writePromQL(naming);
    written.set(naming, queries);
  }
  return queries;
}

/** The queries already written, per naming (the sample's is asked for by every check). */
const written = new WeakMap<ServiceMetricNaming, Record<MetricName, PromQLMetric>>();

function writePromQL(naming: ServiceMetricNaming): Record<MetricName, PromQLMetric> {
  const { judged: j, http: h } = naming;
  const judged = inc(`${j.name}{${JUDGE}}`);
  const post = `${JUDGE},${eq(h.route, h.submissionsRoute)},${eq(h.method, h.post)}`;
  const submissions = inc(`${h.name}{${post}}`);
  const rewritten = (verdict: string) => inc0(`${REWRITTEN}{${ROUTER},verdict="${verdict}"}`);
  return {
    error_rate: {
      value: `(${inc0(`${REQ}{${ROUTER},code=~"${ERROR_CODES}"}`)} + ${inc0(`${MIRROR}{${ROUTER},code=~"5..|error"}`)}) / ${requests}`,
      requests,
    },
    request_rate: {
      value: `sum(rate(${REQ}{${ROUTER}}[{{window}}]))`,
      requests: inc(`${REQ}{${ROUTER}}`),
    },
    latency_p50_ms: latency(0.5),
    latency_p95_ms: latency(0.95),
    latency_p99_ms: latency(0.99),
    acceptance_rate: {
      value: `clamp_min(${inc0(`${j.name}{${JUDGE},${eq(j.verdict, j.accepted)}}`)} + ${rewritten('accepted')} - ${rewritten('wrong-answer')}, 0) / ${judged}`,
      requests: judged,
    },
    submission_success_rate: {
      value: `${inc0(`${h.name}{${post},${h.status}=~"2.."}`)} / ${submissions}`,
      requests: submissions,
    },
    leaderboard_lag_p95_ms: {
      value: quantile(0.95, `${naming.leaderboardLag}_bucket`, JUDGE, 1000),
      requests: inc(`${naming.leaderboardLag}_count{${JUDGE}}`),
    },
    judge_queue_depth: {
      value: `max(${naming.queueDepth}{${JUDGE}})`,
      requests: `count(${naming.queueDepth}{${JUDGE}})`,
    },
    memory_rss_mb: {
      value: `max(${naming.residentMemory}{${JUDGE}}) / 1024 / 1024`,
      requests: `count(${naming.residentMemory}{${JUDGE}})`,
    },
  };
}

/** The default PromQL over the sample judge's metric names. */
export const defaultPromQL: Record<MetricName, PromQLMetric> = promQLFor(SAMPLE_NAMING);
