import type { PrometheusSource } from '../monitor/prometheus.js';
import type { Queries } from '../monitor/queries.js';
import { BurnRateCheck } from './burn-rate-check.js';
import type { Check } from './check.js';
import type { CheckDefaults, CheckVersions } from './check-base.js';
import type { CheckConfig } from './config.js';
import { MannWhitneyCheck } from './mann-whitney-check.js';
import { PerProblemCheck } from './per-problem-check.js';
import { SequentialCheck } from './sequential-check.js';
import { ThresholdCheck } from './threshold-check.js';
import type { WeightHistory } from './weight-history.js';

/** What every check is built from: monitoring queries and the weights the controller set (no I/O, no clock of its own). */
export interface CheckDeps {
  queries: Queries;
  versions: CheckVersions;
  weights: WeightHistory;
  defaults: CheckDefaults;
  /**
   * Set when monitoring is a Prometheus: threshold checks measure its PromQL alone (`minRangeMs`: the shortest
   * range a query gets, a few scrapes); the other kinds read the built-in store and are refused.
   */
  prometheus?: { source: PrometheusSource; intervalMs: number; minRangeMs: number } | undefined;
}

/** Every check kind by name: how to build it from its configuration. */
export const checkKinds = {
  threshold: (c: Extract<CheckConfig, { kind: 'threshold' }>, d: CheckDeps) =>
    new ThresholdCheck(c, d.queries, d.versions, d.defaults, d.prometheus),
  sequential: (c: Extract<CheckConfig, { kind: 'sequential' }>, d: CheckDeps) =>
    new SequentialCheck(c, d.queries, d.versions, d.weights, d.defaults),
  'mann-whitney': (c: Extract<CheckConfig, { kind: 'mann-whitney' }>, d: CheckDeps) =>
    new MannWhitneyCheck(c, d.queries, d.versions, d.defaults),
  'per-problem': (c: Extract<CheckConfig, { kind: 'per-problem' }>, d: CheckDeps) =>
    new PerProblemCheck(c, d.queries, d.versions, d.weights, d.defaults),
  'burn-rate': (c: Extract<CheckConfig, { kind: 'burn-rate' }>, d: CheckDeps) =>
    new BurnRateCheck(c, d.queries, d.versions, d.defaults),
} as const;

/** What each check kind asks, a line each (for `rehearse list checks`). */
export const checkKindSummaries: Record<keyof typeof checkKinds, string> = {
  threshold:
    '{ metric: M | query: PromQL, max|min: X }: a metric (or, from Prometheus, a PromQL query) of one version over the window against a bound',
  sequential:
    '{ compare: error_rate|rejected_verdicts, test: sequential }: canary vs stable counts, anytime-valid',
  'mann-whitney': '{ compare: latency, test: mann-whitney }: canary vs stable latencies, U test over looks',
  'per-problem':
    '{ compare: rejected_verdicts, by: problem }: canary vs stable rejections on each problem, α over problems and looks',
  'burn-rate': '{ slo: availability, objective: X }: multiwindow SLO burn-rate alerts',
};

/** Builds the check a configuration describes. */
export function createCheck(config: CheckConfig, deps: CheckDeps): Check {
  if (deps.prometheus && config.kind !== 'threshold')
    throw new Error(
      `check "${describeCheck(config)}" (${config.kind}) has no PromQL form: with monitoring.source prometheus only threshold checks ({ metric: … } or { query: … }) are measured; use source builtin for ${config.kind} checks`,
    );
  const build = checkKinds[config.kind] as (c: CheckConfig, d: CheckDeps) => Check;
  return build(config, deps);
}

/** A one-line description for `rehearse plan`. */
export function describeCheck(c: CheckConfig): string {
  switch (c.kind) {
    case 'threshold':
      return `${c.version} ${c.metric ?? `PromQL ${c.query}`}${c.max !== undefined ? ` <= ${c.max}` : ''}${c.min !== undefined ? ` >= ${c.min}` : ''}, failureLimit ${c.failureLimit}`;
    case 'sequential':
      return `${c.compare} canary vs stable, anytime-valid sequential test at α ${c.alpha}`;
    case 'mann-whitney':
      return `latency canary vs stable, Mann-Whitney at α ${c.alpha}, allowed increase ×${c.allowedIncrease}`;
    case 'per-problem':
      return `rejected verdicts canary vs stable on each problem, anytime-valid sequential test at α ${c.alpha} over all problems`;
    case 'burn-rate':
      return `${c.version} availability ${c.objective} burn rate (${c.severities.join(', ')}; 30 days compressed to ${c.period / 1000}s)`;
  }
}
