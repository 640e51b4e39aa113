import type { AnalysisRun } from '../analysis/analysis-run.js';
import type { AnalysisConfig } from '../analysis/config.js';
import type { WeightHistory } from '../analysis/weight-history.js';
import type { Clock } from '../clock/clock.js';
import type { Deployment, DeploySpec, Platform } from '../platform/platform.js';
import type { RouteTableSink } from '../router-client/route-editor.js';
import type { Logger } from '../util/logger.js';
import type { Timeline } from '../vocabulary/timeline.js';
import type { PreviewTraffic } from './preview.js';

// Its own file so that the controller's helpers (rolling-batches.ts) can take it without importing the controller.
/** What the controller works with. It reads monitoring only: it has no access to client-side records. */
export interface ControllerDeps {
  clock: Clock;
  log: Logger;
  platform: Pick<Platform, 'deploy'>;
  router: RouteTableSink;
  timeline: Timeline;
  analysis: AnalysisRun;
  analysisConfig: AnalysisConfig;
  /** Pool names; `baseline` when the strategy runs a fresh baseline of stable. */
  versions: { stable: string; candidate: string; baseline?: string | undefined };
  stable: Deployment;
  /** The weights set, over time; shared with checks that accumulate per interval. */
  weights?: WeightHistory;
  /** Smoke traffic for blue-green's preview. */
  preview?: PreviewTraffic;
  /** From monitoring: when `version` last served a request (ms from the start of traffic). */
  lastServedAt?: (version: string) => number | undefined;
  /** Toggles and workers a version's instances start with (the scenario's service block). */
  specFor?: (version: string) => Omit<DeploySpec, 'version' | 'replicas'>;
  /** Called after the candidate is deployed, before it takes traffic (faults due by then are injected). */
  afterDeploy?: (d: Deployment) => Promise<void>;
  /** When the rehearsal ends (ms on the timeline): a paused release is watched until then (default: 10 min after pausing). */
  watchUntil?: number;
  /** Drain time before a removed pool is stopped. */
  drainMs?: number;
}
