import type { Measurement } from './measurement.js';
import type { Outcome } from './outcome.js';
import type {
  BlastRadius,
  Classification,
  ExpectationResult,
  FaultOutcome,
  Harm,
  RollbackEffect,
} from './rehearsal-verdict.js';
import type { SimulationReport } from './simulation-report.js';
import type { TimelineEvent } from './timeline.js';
import type { TrafficStats } from './traffic-stats.js';

/** Per-second series for charts: what users saw (ground truth) and what monitoring saw. */
export interface Series {
  /** Seconds from the start of traffic. */
  t: number[];
  /** Candidate weight (%) in force at each second. */
  candidateWeight: number[];
  /** Per serving version: requests, failed requests and p95 latency (ms) that second, from the client side. */
  users: Record<string, { requests: number[]; failed: number[]; p95Ms: (number | null)[] }>;
  /** Per version: error rate and p95 latency as the monitoring saw them, sampled at each analysis round. */
  monitoring: Record<string, { t: number[]; errorRate: (number | null)[]; p95Ms: (number | null)[] }>;
  /** Bounds of the threshold checks on charted metrics, drawn over their panel. */
  thresholds?: ChartThreshold[];
}

/** A threshold check's bound on a charted metric (error rate, p95 latency) of one version. */
export interface ChartThreshold {
  metric: 'error_rate' | 'latency_p95_ms';
  version: string;
  max?: number;
  min?: number;
  /** The check's name, for the tooltip. */
  check: string;
}

/** SLO error budget burned by the release, from ground truth. */
export interface ErrorBudget {
  /** Target share of successful requests, e.g. 0.999. */
  slo: number;
  totalRequests: number;
  /** Failed user requests attributed to the release (not served by the stable version after deploy). */
  failedRequests: number;
  /** Failures the SLO allows for `totalRequests`. */
  allowedFailures: number;
  /** failedRequests / allowedFailures (1 = the whole budget); null when no request was sent but some failed. */
  burned: number | null;
}

/** Everything about one scenario's rehearsal. */
export interface ScenarioReport {
  name: string;
  file: string;
  description: string;
  /** Set for a scenario made by `rehearse import`: the policy's kind and file, and the time compression. */
  source?: { kind: string; file: string; timeScale: number };
  seed: number;
  strategy: string;
  faults: FaultOutcome[];
  versions: { stable: string; candidate: string };
  passed: boolean;
  /**
   * `failure` = an expectation did not hold; `error` = the harness could not rehearse; `interrupted` = stopped by
   * Ctrl-C/SIGTERM or `--timeout` before it could be judged (neither a pass nor a failure).
   */
  status: 'passed' | 'failure' | 'error' | 'interrupted';
  classification: Classification;
  reason: string;
  /** The author's expectation: the outcome, and the classification when the scenario states one. */
  expected: { outcome: string; classification?: Classification };
  observed: {
    outcome: Outcome | 'none';
    reason: string;
    timeToDetectMs?: number;
    timeToDecisionMs?: number;
    timeToRollbackMs?: number;
    lastCandidateRequestMs?: number;
    failedRequests: number;
    wrongVerdicts: number;
    lostSubmissions: number;
    /** Requests that failed on the stable version during and after the release. */
    stableFailures?: number;
    /** After a rollback: whether it restored service, and the evidence. */
    rollback?: RollbackEffect;
    /** What the controller noticed without changing its decision (e.g. a rollback onto too few stable instances). */
    warnings?: string[];
  };
  expectations: ExpectationResult[];
  /** Whether the candidate was worse for users than stable (ground truth); absent when not judged. */
  harm?: Harm;
  blastRadius: BlastRadius;
  /** Error budget burned by the release; filled in by the engine (`withBudget`). */
  budget?: ErrorBudget;
  /** How well the schedule was kept; `distortion` says why the figures are skewed when `distorted`. */
  traffic: TrafficStats & { distorted: boolean; distortion?: string };
  /** The traffic generator fell behind its schedule: the verdict and its figures were measured under distortion. */
  measuredUnderDistortion?: boolean;
  measurements: Measurement[];
  timeline: TimelineEvent[];
  series: Series;
  durationMs: number;
  /** The strategy's analysis interval (ms): how often monitoring is judged, so the grain of detection times. */
  analysisIntervalMs?: number;
  error?: { message: string; hint?: string };
  /** What the platform used (e.g. docker: how the base image was obtained, image tags); absent for local. */
  platformInfo?: Record<string, string>;
}

/** The whole run: metadata and every scenario. */
export interface RunReport {
  /** Where the JSON Schema of this file is (schemas/report.schema.json), relative to the report's folder. */
  $schema?: string;
  schemaVersion: 1;
  runId: string;
  startedAt: string;
  finishedAt: string;
  platform: string;
  tool: { name: 'rehearsal'; version: string; node: string };
  interrupted: boolean;
  /** Why the run stopped early (Ctrl-C, `--timeout`); present only when `interrupted`. */
  interruptedBy?: string;
  /** Scenarios selected but never started because the run stopped early. */
  notRun?: string[];
  scenarios: ScenarioReport[];
  /** Monte Carlo results of `rehearse simulate`; absent for live runs. */
  simulation?: SimulationReport;
  /** Scenario counts by status (`interrupted` is absent from reports older than that status). */
  summary: { total: number; passed: number; failed: number; errors: number; interrupted?: number };
}
