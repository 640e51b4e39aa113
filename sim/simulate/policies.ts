import type { Check } from '../analysis/check.js';
import type { AnalysisConfig, ThresholdCheckConfig } from '../analysis/config.js';
import { ThresholdCheck } from '../analysis/threshold-check.js';
import type { Queries } from '../monitor/queries.js';
import type { Scenario } from '../scenario/schema.js';
import { RehearsalError } from '../util/errors.js';
import { BurnRateCheck, SequentialErrorCheck } from './policy-checks.js';

/** A release policy: the analysis the controller runs, built for one scenario. */
export interface Policy {
  /** One line for reports. */
  description: string;
  /** The analysis settings and checks, reading `queries`. */
  build(scenario: Scenario, queries: Queries): { analysisConfig: AnalysisConfig; checks: Check[] };
}

/** The scenario's own error-rate and p95 bounds, or defaults; every policy compares the same bounds. */
function bounds(scenario: Scenario): { maxErrorRate: number; maxP95Ms: number } {
  const checks = scenario.strategy.analysis.checks;
  return {
    maxErrorRate: checks.find((c) => c.metric === 'error_rate' && c.max !== undefined)?.max ?? 0.01,
    maxP95Ms: checks.find((c) => c.metric === 'latency_p95_ms' && c.max !== undefined)?.max ?? 500,
  };
}

function thresholds(
  scenario: Scenario,
  queries: Queries,
  config: AnalysisConfig,
  extra: Partial<ThresholdCheckConfig>,
): Check[] {
  const { maxErrorRate, maxP95Ms } = bounds(scenario);
  const versions = { stable: scenario.service.stable, candidate: scenario.service.candidate };
  const base = { version: 'candidate' as const, failureLimit: 0, minRequests: 10, ...extra };
  return [
    { ...base, metric: 'error_rate' as const, max: maxErrorRate },
    { ...base, metric: 'latency_p95_ms' as const, max: maxP95Ms },
  ].map((c) => new ThresholdCheck(c, queries, versions, { windowMs: config.window, noData: config.noData }));
}

/** Every policy `--policy` accepts. */
export const policies = {
  /** The scenario's analysis block as written (what `rehearse run` does). */
  scenario: {
    description: "the scenario's own analysis block",
    build(scenario, queries) {
      const analysisConfig = scenario.strategy.analysis;
      const versions = { stable: scenario.service.stable, candidate: scenario.service.candidate };
      return {
        analysisConfig,
        checks: analysisConfig.checks.map(
          (c) =>
            new ThresholdCheck(c, queries, versions, {
              windowMs: analysisConfig.window,
              noData: analysisConfig.noData,
            }),
        ),
      };
    },
  },
  /** Flagger: threshold checks every interval over one interval, rollback after 5 failed checks counted over the whole run, no data fails. */
  flagger: {
    description:
      'Flagger-style: thresholds every interval, rollback after 5 cumulative failed checks, no data = failed',
    build(scenario, queries) {
      const a = scenario.strategy.analysis;
      const analysisConfig: AnalysisConfig = { ...a, window: a.interval, noData: 'fail', checks: [] };
      return {
        analysisConfig,
        checks: thresholds(scenario, queries, analysisConfig, {
          failureLimit: 4,
          noData: 'fail',
          minRequests: 1,
        }),
      };
    },
  },
  /** Argo Rollouts: thresholds with failureLimit 2 (the third failure aborts), empty results pass as `len(result)==0 ||` idioms do. */
  argo: {
    description: 'Argo-style: thresholds with failureLimit 2, empty results pass',
    build(scenario, queries) {
      const a = scenario.strategy.analysis;
      const analysisConfig: AnalysisConfig = { ...a, noData: 'ignore', checks: [] };
      return {
        analysisConfig,
        checks: thresholds(scenario, queries, analysisConfig, { failureLimit: 2, noData: 'ignore' }),
      };
    },
  },
  /** Ours: anytime-valid sequential error test + thresholds needing 2 consecutive failures + a multi-window burn rate. */
  ours: {
    description:
      'ours: sequential error test (alpha 0.05) + thresholds (2 consecutive failures) + burn rate 14.4x on a 99.9% SLO',
    build(scenario, queries) {
      const a = scenario.strategy.analysis;
      const analysisConfig: AnalysisConfig = { ...a, checks: [] };
      const versions = { stable: scenario.service.stable, candidate: scenario.service.candidate };
      const longMs = Math.max(12 * scenario.monitoring.scrapeInterval, 3 * a.window);
      const shortMs = Math.max(2 * scenario.monitoring.scrapeInterval, longMs / 12);
      return {
        analysisConfig,
        checks: [
          new SequentialErrorCheck(queries, versions, 0.05),
          ...thresholds(scenario, queries, analysisConfig, {
            failureLimit: 1000,
            consecutiveFailureLimit: 2,
            noData: 'inconclusive',
          }),
          new BurnRateCheck(queries, versions.candidate, 0.999, 14.4, longMs, shortMs),
        ],
      };
    },
  },
} as const satisfies Record<string, Policy>;

/** A policy's name. */
export type PolicyName = keyof typeof policies;

/** Resolves policy names, or throws an error listing the valid ones. */
export function resolvePolicies(names: string[]): PolicyName[] {
  const unknown = names.filter((n) => !(n in policies));
  if (unknown.length > 0)
    throw new RehearsalError(
      `unknown policy ${unknown.map((n) => `"${n}"`).join(', ')}`,
      `use one of: ${Object.keys(policies).join(', ')}`,
      2,
    );
  return names as PolicyName[];
}
