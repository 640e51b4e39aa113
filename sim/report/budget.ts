import type { ErrorBudget, ScenarioReport } from '../vocabulary/report-model.js';

/** The SLO the error budget is measured against when none is configured: 99.9% of requests succeed. */
export const DEFAULT_SLO = 0.999;

/**
 * The share of the SLO error budget the release burned, from ground truth: the release's failed user
 * requests over the failures the SLO allows for all the requests of the rehearsal.
 */
export function errorBudget(failedByRelease: number, totalRequests: number, slo = DEFAULT_SLO): ErrorBudget {
  const allowedFailures = totalRequests * (1 - slo);
  const burned =
    allowedFailures > 0
      ? failedByRelease / allowedFailures
      : failedByRelease > 0
        ? Number.POSITIVE_INFINITY
        : 0;
  return {
    slo,
    totalRequests,
    failedRequests: failedByRelease,
    allowedFailures: round(allowedFailures),
    burned: Number.isFinite(burned) ? round(burned) : null,
  };
}

/** A scenario report with its error budget filled in from its blast radius and failed requests. */
export function withBudget(r: ScenarioReport, slo = DEFAULT_SLO): ScenarioReport {
  const total = Object.values(r.blastRadius.byVersion).reduce((sum, v) => sum + v.requests, 0);
  return { ...r, budget: errorBudget(r.observed.failedRequests, total, slo) };
}

function round(v: number): number {
  return Math.round(v * 10_000) / 10_000;
}
