import { type AnalysisConfig, type CheckConfig, checkSchema } from '../analysis/config.js';
import type { Scenario } from '../scenario/schema.js';
import { ExitCode, RehearsalError } from '../util/errors.js';

/** A release policy: an analysis config (checks and limits) applied to a scenario. */
export interface Policy {
  /** One line for reports. */
  description: string;
  /** The analysis block the controller runs under this policy. */
  analysis(scenario: Scenario): AnalysisConfig;
}

/** The scenario's own error-rate and p95 bounds, or defaults; every policy compares the same bounds. */
function bounds(scenario: Scenario): { maxErrorRate: number; maxP95Ms: number } {
  const thresholds = scenario.strategy.analysis.checks.filter(
    (c): c is Extract<CheckConfig, { kind: 'threshold' }> => c.kind === 'threshold',
  );
  return {
    maxErrorRate: thresholds.find((c) => c.metric === 'error_rate' && c.max !== undefined)?.max ?? 0.01,
    maxP95Ms: thresholds.find((c) => c.metric === 'latency_p95_ms' && c.max !== undefined)?.max ?? 500,
  };
}

/** Checks written as in a scenario's YAML, parsed (defaults applied, kind tagged) by the same schema. */
function checks(...written: Record<string, unknown>[]): CheckConfig[] {
  return written.map((c) => checkSchema.parse(c));
}

/** Every policy `--policy` accepts. */
export const policies = {
  /** The scenario's analysis block as written (what `rehearse run` does). */
  scenario: {
    description: "the scenario's own analysis block",
    analysis: (scenario) => scenario.strategy.analysis,
  },
  /** Flagger: thresholds every interval over one interval, rollback after 5 failed checks counted over the whole run, no data fails. */
  flagger: {
    description:
      'Flagger-style: thresholds every interval, rollback after 5 cumulative failed checks, no data = failed',
    analysis(scenario) {
      const a = scenario.strategy.analysis;
      const { maxErrorRate, maxP95Ms } = bounds(scenario);
      const base = { failureLimit: 4, noData: 'fail', minRequests: 1, window: a.interval };
      return {
        ...a,
        noData: 'fail',
        checks: checks(
          { ...base, metric: 'error_rate', max: maxErrorRate },
          { ...base, metric: 'latency_p95_ms', max: maxP95Ms },
        ),
      };
    },
  },
  /** Argo Rollouts: thresholds with failureLimit 2 (the third failure aborts); empty results pass, as `len(result) == 0 ||` idioms do. */
  argo: {
    description: 'Argo-style: thresholds with failureLimit 2, empty results pass',
    analysis(scenario) {
      const a = scenario.strategy.analysis;
      const { maxErrorRate, maxP95Ms } = bounds(scenario);
      const base = { failureLimit: 2, noData: 'ignore' };
      return {
        ...a,
        noData: 'ignore',
        checks: checks(
          { ...base, metric: 'error_rate', max: maxErrorRate },
          { ...base, metric: 'latency_p95_ms', max: maxP95Ms },
        ),
      };
    },
  },
  /** Ours: the anytime-valid sequential error test + thresholds needing 2 consecutive failures + an SLO burn-rate page. */
  ours: {
    description:
      'ours: sequential error test (alpha 0.05) + thresholds (2 consecutive failures) + burn rate (99.9% SLO, page rows, 30 days compressed to 36 h, 6 consecutive)',
    analysis(scenario) {
      const a = scenario.strategy.analysis;
      const { maxErrorRate, maxP95Ms } = bounds(scenario);
      const base = { failureLimit: 1000, consecutiveFailureLimit: 2 };
      return {
        ...a,
        checks: checks(
          { compare: 'error_rate', test: 'sequential', alpha: 0.05 },
          { ...base, metric: 'error_rate', max: maxErrorRate },
          { ...base, metric: 'latency_p95_ms', max: maxP95Ms },
          {
            // The check clips its windows to the canary's start, so its first rounds see a few requests: it must persist.
            failureLimit: 1000,
            consecutiveFailureLimit: 6,
            slo: 'availability',
            objective: 0.999,
            period: '36h',
            minWindow: Math.max(2000, 2 * scenario.monitoring.scrapeInterval),
          },
        ),
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
      ExitCode.invalidScenario,
    );
  return names as PolicyName[];
}
