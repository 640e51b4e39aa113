import type { Classification } from './rehearsal-verdict.js';

/** The `simulation` section of report.json, written by `rehearse simulate`. */
export interface SimulationReport {
  runs: number;
  seed: number;
  policies: string[];
  /** The service model the runs used. */
  model: { file: string | null; source: string; measuredAt?: string };
  /** Traffic aggregation step, ms; null = the scrape interval of each scenario. */
  stepMs: number | null;
  scenarios: ScenarioSimulation[];
  /** Scenarios not simulated, and why (a fault kind with no model). */
  skipped: { scenario: string; reason: string }[];
  performance: {
    wallMs: number;
    rehearsals: number;
    simulatedRequests: number;
    simulatedRequestsPerSecond: number;
    rehearsalsPerSecond: number;
  };
}

/** Monte Carlo results of one policy on one scenario across N seeds. */
export interface PolicyResult {
  /** A policy of sim/simulate/policies.ts. */
  policy: string;
  description: string;
  runs: number;
  /** Outcomes counted: promoted, rolled-back, paused, aborted. */
  outcomes: Record<string, number>;
  /** Share of runs rolled back when the candidate is bad (scenario expects a rollback). */
  detectionProbability?: Proportion;
  /** Share of runs rolled back when the candidate is healthy (scenario expects promotion). */
  falseRollbackRate?: Proportion;
  /** Share of runs whose verdict passed every expectation. */
  passRate: Proportion;
  /** Runs by classification, judged from harm (what users got), decision and time as live runs are. */
  classifications: Partial<Record<Classification, number>>;
  /** Share of runs classified `missed`: the candidate harmed users and was promoted (or still served them). */
  missedRate: Proportion;
  /** Share of runs classified `false-rollback`: rolled back without harm, or before the harm began. */
  harmFalseRollbackRate: Proportion;
  /** Fault start → first failed check, ms, over runs that detected. */
  timeToDetectMs: Distribution | null;
  /** Fault start → all traffic on stable, ms, over runs that rolled back. */
  timeToRollbackMs: Distribution | null;
  /** Users hurt by non-stable versions (failed + slow + wrong verdicts) per run. */
  blastRadius: Distribution | null;
  /** Failed requests served by non-stable versions per run. */
  failedRequests: Distribution | null;
  requests: number;
}

/** Monte Carlo results of one scenario: every policy on the same seeds. */
export interface ScenarioSimulation {
  scenario: string;
  expected: string;
  seeds: { first: number; count: number };
  policies: PolicyResult[];
}

/** A proportion with its 95% Wilson score interval. */
export interface Proportion {
  /** Successes over trials. */
  value: number;
  successes: number;
  trials: number;
  ci95: [number, number];
}

/** A quantile estimate with a distribution-free 95% interval (binomial order statistics). */
export interface Quantile {
  value: number;
  ci95: [number, number];
}

/** Quantiles of a sample: p50, p90, p99, each with an interval, plus the mean; null when the sample is empty. */
export interface Distribution {
  n: number;
  mean: number;
  p50: Quantile;
  p90: Quantile;
  p99: Quantile;
  max: number;
}
