import type { Clock } from '../clock/clock.js';
import type { PrometheusSource } from '../monitor/prometheus.js';
import type { Queries } from '../monitor/queries.js';
import type { Deployment, DeploySpec } from '../platform/platform.js';
import type { PreviewTraffic } from '../release/preview.js';
import type { RouteTableSink } from '../router-client/route-editor.js';
import type { Logger } from '../util/logger.js';
import type { CountedTruth, RecordedTruth } from '../verdict/judge.js';
import type { FaultOutcome } from '../vocabulary/rehearsal-verdict.js';
import type { Timeline } from '../vocabulary/timeline.js';
import type { TrafficStats } from '../vocabulary/traffic-stats.js';

/** What users experienced, as the rig gathered it: every request (live) or counts per version per step (simulated). */
export type GroundTruth = RecordedTruth | CountedTruth;

/** What a traffic source hands back when traffic has ended. */
export interface TrafficResult<T extends GroundTruth> {
  truth: T;
  /** Requests sent to the service. */
  sent: number;
  /** How well the schedule was kept (a live driver measures it; a model has nothing to distort). */
  stats?: TrafficStats;
}

/** The scenario's user traffic: sent from time zero until its end, or until `stopAt` cuts it short. */
export interface TrafficSource<T extends GroundTruth> {
  /** What is planned, for the timeline's `traffic-start` event. */
  readonly plan: string;
  /** Ends traffic early: nothing planned at or after `ms` (on the timeline) is sent. */
  stopAt(ms: number): void;
  /** Sends the traffic to its end (or until `signal` aborts). */
  run(signal: AbortSignal): Promise<TrafficResult<T>>;
}

/** Injects a scenario's faults on schedule and says what became of each. */
export interface FaultDriver<T extends GroundTruth> {
  /** Injects every fault that is due and whose target is deployed (called after each deploy). */
  injectDue(): Promise<void> | void;
  /** Runs the schedule until `signal` aborts. */
  run(signal: AbortSignal): Promise<void>;
  /** Waits for verifications still in flight (skipped when the run was interrupted). */
  settle?(): Promise<void>;
  /** Each fault with its evidence, from what users got. */
  outcomes(truth: T): FaultOutcome[];
  /** Reverts every fault still in place; also called when the rehearsal fails. */
  revertAll?(): Promise<void>;
}

/** The monitoring view the controller and checks read, and the loop that fills it. */
export interface Monitoring {
  /** The built-in store's queries (the checks' source by default; always the report's charts and evidence). */
  queries: Queries;
  /**
   * Set when the checks read a Prometheus instead (`monitoring.source: prometheus`, live only): threshold
   * checks measure PromQL through it, and the monitoring faults turn its knobs.
   */
  prometheus?: { source: PrometheusSource; intervalMs: number; minRangeMs: number };
  /** Scrapes on schedule until `signal` aborts. */
  run(signal: AbortSignal): Promise<void>;
}

/** What the lifecycle owns and the rig's parts share with it. */
export interface RigContext {
  timeline: Timeline;
  /** Every version deployed so far, stable first. */
  deployments: ReadonlyMap<string, Deployment>;
  /** Aborts when the rehearsal stops: loops and verifications end with it. */
  signal: AbortSignal;
  /** Smoke requests per second for a blue-green preview. */
  previewRate: number;
}

/** The parts of a rehearsal that run on its timeline, built once stable is up and time zero is set. */
export interface RigParts<T extends GroundTruth> {
  /** Deploys a version of the release (candidate, baseline) for the controller. */
  deploy(spec: DeploySpec): Promise<Deployment>;
  traffic: TrafficSource<T>;
  monitoring: Monitoring;
  faults: FaultDriver<T>;
  preview: PreviewTraffic;
  /** Takes instances that fail their probes out of the router (live only: the model has no probes). */
  readiness?: { run(signal: AbortSignal): Promise<void> };
  /** Submissions the service never stored, asked after traffic (live only: the model loses none). */
  reconcile?(truth: T): Promise<string[]>;
  /** Keeps the ground truth beside the report (live: `requests.jsonl`). */
  keep?(truth: T): Promise<void>;
}

/**
 * What a rehearsal runs on: live processes, containers and pods, or the statistical model in virtual
 * time. A rig only builds adapters; the steps and their order are the lifecycle's (`rehearsal.ts`).
 */
export interface Rig<T extends GroundTruth> {
  clock: Clock;
  log: Logger;
  /** Deploys the stable version before time zero. */
  deployStable(spec: DeploySpec): Promise<Deployment>;
  /** The route table the controller, faults and readiness edit. */
  routes: RouteTableSink;
  /** Builds the parts that run on the timeline. */
  parts(ctx: RigContext): RigParts<T>;
  /** Runs the release phase to its end: a virtual clock moves time while every task sleeps (default: as it comes). */
  drive?<R>(task: Promise<R>): Promise<R>;
  /**
   * Until when (ms on the timeline) a paused release is watched. Live runs stop at `traffic.duration`; the
   * simulation watches until the controller is stopped after the grace, as it always has (its numbers stay).
   */
  watchUntil?: number;
}
