import type { AnalysisRun } from '../analysis/analysis-run.js';
import type { AnalysisConfig } from '../analysis/config.js';
import type { Measurement } from '../analysis/measurement.js';
import type { Clock } from '../clock/clock.js';
import type { Deployment, Platform } from '../platform/platform.js';
import type { RouteTableSink } from '../router/route-editor.js';
import type { Logger } from '../util/logger.js';
import type { Action } from './actions.js';
import type { Timeline } from './timeline.js';

/** How a release ended. */
export type Outcome = 'promoted' | 'rolled-back' | 'paused' | 'aborted';

/** What the controller reports: the decision and everything it rested on. */
export interface ControllerResult {
  outcome: Outcome;
  reason: string;
  measurements: Measurement[];
}

/** What the controller works with. It reads monitoring only: it has no access to client-side records. */
export interface ControllerDeps {
  clock: Clock;
  log: Logger;
  platform: Pick<Platform, 'deploy'>;
  router: RouteTableSink;
  timeline: Timeline;
  analysis: AnalysisRun;
  analysisConfig: AnalysisConfig;
  versions: { stable: string; candidate: string };
  stable: Deployment;
  /** Called after the candidate is deployed, before it takes traffic (faults due by then are injected). */
  afterDeploy?: (d: Deployment) => Promise<void>;
  /** Drain time before a removed candidate is stopped. */
  drainMs?: number;
}

class Rollback extends Error {}

/** Executes a release plan step by step, analysing as it goes, and promotes or rolls back. */
export class ReleaseController {
  private candidate: Deployment | undefined;
  private weight = 0;
  private analysisSince: number | undefined;
  private nextRoundAt = 0;
  private failedReason = '';

  constructor(private readonly deps: ControllerDeps) {}

  /** Runs the plan to promotion, rollback or pause. Aborting `signal` stops it where it is. */
  async run(plan: Action[], signal: AbortSignal): Promise<ControllerResult> {
    const { timeline } = this.deps;
    try {
      for (const action of plan) {
        signal.throwIfAborted();
        const paused = await this.execute(action, signal);
        if (paused) {
          timeline.add('paused', paused);
          return this.result('paused', paused);
        }
      }
      return this.result('promoted', `${this.deps.versions.candidate} took 100% of traffic after every step passed`);
    } catch (error) {
      if (error instanceof Rollback) {
        await this.rollback(error.message);
        return this.result('rolled-back', error.message);
      }
      if (signal.aborted) return this.result('aborted', 'the rehearsal ended before the release finished');
      throw error;
    }
  }

  /** Returns a reason when the release must pause. */
  private async execute(action: Action, signal: AbortSignal): Promise<string | undefined> {
    const { timeline, versions } = this.deps;
    switch (action.kind) {
      case 'deploy': {
        this.candidate = await this.deps.platform.deploy({ version: action.version, replicas: action.replicas });
        timeline.add('deploy', `${action.version} deployed`, { instances: this.candidate.instances.map((i) => i.id) });
        await this.deps.afterDeploy?.(this.candidate);
        await this.route(0);
        return undefined;
      }
      case 'setWeight':
        await this.route(action.weight);
        if (action.weight > 0 && this.analysisSince === undefined) {
          this.analysisSince = timeline.now();
          this.nextRoundAt = this.analysisSince + this.deps.analysisConfig.initialDelay + this.deps.analysisConfig.interval;
        }
        return undefined;
      case 'pause':
        await this.hold(action.ms, signal);
        return undefined;
      case 'analyze': {
        const start = timeline.now();
        await this.hold(action.ms, signal);
        const unproven = this.deps.analysis.unproven(start);
        if (unproven.length > 0) return `analysis inconclusive: no passing measurement for ${unproven.join('; ')}`;
        return undefined;
      }
      case 'promote':
        await this.route(100);
        timeline.add('promoted', `${versions.candidate} promoted`);
        return undefined;
    }
  }

  /** Waits `ms`, running analysis rounds on schedule; throws Rollback when analysis fails. */
  private async hold(ms: number, signal: AbortSignal): Promise<void> {
    const { timeline, clock, analysisConfig } = this.deps;
    const end = timeline.now() + ms;
    while (timeline.now() < end) {
      const active = this.analysisSince !== undefined;
      const until = active ? Math.min(end, this.nextRoundAt) : end;
      await clock.sleep(Math.max(0, until - timeline.now()), signal);
      if (active && timeline.now() >= this.nextRoundAt) {
        this.nextRoundAt += analysisConfig.interval;
        this.analyse();
      }
    }
  }

  private analyse(): void {
    const { timeline, analysis } = this.deps;
    const now = timeline.now();
    const { decision, measurements, reason } = analysis.round(now, this.analysisSince!);
    timeline.add('analysis', `round: ${measurements.map((m) => m.phase).join(', ')}`, { measurements });
    const failed = measurements.find((m) => m.phase === 'failed');
    if (failed && !timeline.first('first-failure')) timeline.add('first-failure', failed.message, { check: failed.check });
    if (decision === 'fail') {
      this.failedReason = reason ?? 'analysis failed';
      throw new Rollback(this.failedReason);
    }
  }

  private async rollback(reason: string): Promise<void> {
    const { timeline, versions } = this.deps;
    timeline.add('decision', `roll back: ${reason}`);
    await this.route(0);
    timeline.add('all-traffic-on-stable', `100% of traffic on ${versions.stable}`);
    if (this.candidate) {
      await this.deps.clock.sleep(this.deps.drainMs ?? 1000);
      await this.route(0, false);
      await this.candidate.stop();
      timeline.add('candidate-stopped', `${versions.candidate} stopped`);
    }
  }

  private async route(weight: number, includeCandidate = true): Promise<void> {
    const { stable, candidate } = this.deps.versions;
    await this.deps.router.update((table) => {
      table.pools[stable] = this.deps.stable.instances.map((i) => ({ id: i.id, url: i.routerUrl }));
      table.pools[candidate] = includeCandidate && this.candidate ? this.candidate.instances.map((i) => ({ id: i.id, url: i.routerUrl })) : [];
      table.weights = { [stable]: 100 - weight, [candidate]: weight };
    });
    if (!includeCandidate) {
      this.deps.timeline.add('weights', `${candidate} removed from the router after draining`, { [stable]: 100 - weight, [candidate]: weight });
    } else if (weight !== this.weight) {
      this.deps.timeline.add('weights', `${candidate} ${weight}%, ${stable} ${100 - weight}%`, { [stable]: 100 - weight, [candidate]: weight });
    }
    this.weight = weight;
  }

  private result(outcome: Outcome, reason: string): ControllerResult {
    return { outcome, reason, measurements: this.deps.analysis.measurements };
  }
}
