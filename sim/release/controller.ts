import { WeightHistory } from '../analysis/weight-history.js';
import { messageOf } from '../util/errors.js';
import { secs } from '../util/format.js';
import type { Measurement } from '../vocabulary/measurement.js';
import type { Outcome } from '../vocabulary/outcome.js';
import type { Action, ApproveRule } from './actions.js';
import type { ControllerDeps } from './controller-deps.js';
import { noPreviewTraffic } from './preview.js';
import { describeRouting, ReleaseState } from './release-state.js';
import { type RollingContext, rollBatch } from './rolling-batches.js';
import { Rollback, startGated } from './start-gated.js';

/** What the controller reports: the decision and everything it rested on. */
export interface ControllerResult {
  outcome: Outcome;
  reason: string;
  measurements: Measurement[];
  /** Problems found on the way that did not change the decision (e.g. a stable pool too small to absorb a rollback). */
  warnings: string[];
}

/** Executes a release plan step by step, analysing as it goes, and promotes or rolls back. */
export class ReleaseController {
  private readonly state: ReleaseState;
  private readonly weights: WeightHistory;
  private readonly stableReplicas: number;
  private readonly warnings: string[] = [];
  private analysisSince: number | undefined;
  private nextRoundAt = 0;
  private lastRoundPassed = false;
  private previewRun: { stop(): Promise<void> } | undefined;

  constructor(private readonly deps: ControllerDeps) {
    this.state = new ReleaseState(deps.versions, deps.stable);
    this.weights = deps.weights ?? new WeightHistory();
    this.stableReplicas = deps.stable.instances.length;
  }

  /** Runs the plan to promotion, rollback or pause. Aborting `signal` stops it where it is. */
  async run(plan: Action[], signal: AbortSignal): Promise<ControllerResult> {
    try {
      for (const action of plan) {
        signal.throwIfAborted();
        const paused = await this.execute(action, signal);
        if (paused) return await this.watchWhilePaused(paused, signal);
      }
      return this.result(
        'promoted',
        `${this.deps.versions.candidate} took 100% of traffic after every step passed`,
      );
    } catch (error) {
      if (error instanceof Rollback) {
        await this.rollback(error.message);
        return this.result('rolled-back', error.message);
      }
      if (error instanceof Paused) return await this.watchWhilePaused(error.message, signal);
      if (signal.aborted) return this.result('aborted', 'the rehearsal ended before the release finished');
      throw error;
    } finally {
      await this.stopPreview();
    }
  }

  /** Returns a reason when the release must pause. */
  private async execute(action: Action, signal: AbortSignal): Promise<string | undefined> {
    const { timeline, versions } = this.deps;
    switch (action.kind) {
      case 'deploy': {
        this.state.candidate = await startGated(
          this.deps.clock,
          () =>
            this.deps.platform.deploy({
              ...this.deps.specFor?.(action.version),
              version: action.version,
              replicas: action.replicas,
            }),
          undefined,
          signal,
        );
        timeline.add('deploy', `${action.version} deployed`, {
          instances: this.state.candidate.instances.map((i) => i.id),
        });
        await this.deps.afterDeploy?.(this.state.candidate);
        await this.route();
        return undefined;
      }
      case 'deployBaseline': {
        this.state.baseline = await startGated(
          this.deps.clock,
          () =>
            this.deps.platform.deploy({
              ...this.deps.specFor?.(versions.stable),
              version: versions.stable,
              replicas: action.replicas,
            }),
          undefined,
          signal,
        );
        timeline.add('deploy', `baseline of ${versions.stable} deployed as pool ${versions.baseline}`, {
          instances: this.state.baseline.instances.map((i) => i.id),
        });
        await this.route();
        return undefined;
      }
      case 'setWeight':
        this.state.weight = action.weight;
        await this.route();
        return undefined;
      case 'mirror':
        this.state.mirrorPercent = action.percent;
        await this.route();
        return undefined;
      case 'segments':
        this.state.sticky = true;
        this.state.segmentRules = [
          ...action.segments.map((segment) => ({ segment, version: versions.candidate })),
          ...(action.bucket > 0
            ? [{ bucket: [0, action.bucket] as [number, number], version: versions.candidate }]
            : []),
        ];
        await this.route();
        return undefined;
      case 'preview':
        this.state.preview = action.on;
        await this.route();
        if (action.on) this.previewRun = (this.deps.preview ?? noPreviewTraffic).start(versions.candidate);
        else await this.stopPreview();
        return undefined;
      case 'roll':
        await rollBatch(this.rolling(), action, signal);
        return undefined;
      case 'pause':
        await this.hold(action.ms, signal);
        return undefined;
      case 'analyze': {
        const start = timeline.now();
        await this.hold(action.ms, signal);
        const unproven = this.deps.analysis.unproven(start);
        if (unproven.length > 0)
          return `analysis inconclusive: no passing measurement for ${unproven.join('; ')}`;
        return undefined;
      }
      case 'approve':
        return this.approve(action.gate, action.rule, signal);
      case 'promote':
        this.state.segmentRules = [];
        this.state.weight = 100;
        await this.route();
        timeline.add('promoted', `${versions.candidate} promoted`);
        return undefined;
      case 'retireStable':
        await this.deps.clock.sleep(action.afterMs, signal);
        this.state.stableInPool = false;
        await this.route();
        await this.deps.clock.sleep(this.deps.drainMs ?? 1000, signal);
        await this.deps.stable.stop();
        timeline.add(
          'stable-stopped',
          `${versions.stable} scaled down after being kept warm for ${action.afterMs / 1000}s`,
        );
        return undefined;
    }
  }

  /** A manual gate: analysis keeps running while it waits, so a failing candidate still rolls back (flagger#1801). */
  private async approve(gate: string, rule: ApproveRule, signal: AbortSignal): Promise<string | undefined> {
    const { timeline } = this.deps;
    switch (rule.kind) {
      case 'auto':
        timeline.add('approval', `gate "${gate}" approved automatically`);
        return undefined;
      case 'after':
        await this.hold(rule.ms, signal);
        timeline.add('approval', `gate "${gate}" approved after ${rule.ms / 1000}s`);
        return undefined;
      case 'reject':
        timeline.add('approval', `gate "${gate}" rejected by the rehearsal's rule`);
        throw new Rollback(`gate "${gate}" rejected`);
      case 'when-passing': {
        const end = timeline.now() + rule.timeoutMs;
        this.lastRoundPassed = false;
        while (!this.lastRoundPassed && timeline.now() < end)
          await this.hold(Math.min(this.deps.analysisConfig.interval, end - timeline.now()), signal);
        if (!this.lastRoundPassed)
          return `gate "${gate}" not approved: no analysis round passed within ${rule.timeoutMs / 1000}s`;
        timeline.add('approval', `gate "${gate}" approved: every check passed a round`);
        return undefined;
      }
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
        await this.analyse();
      }
    }
  }

  /**
   * A paused release keeps its traffic split, so analysis keeps running: no data pauses rather than
   * aborts, but data that arrives later and fails still rolls back (a hung candidate first shows as no
   * data, then as timeouts). Ends when the rehearsal does.
   */
  private async watchWhilePaused(reason: string, signal: AbortSignal): Promise<ControllerResult> {
    const { timeline } = this.deps;
    timeline.add('paused', reason);
    if (this.analysisSince === undefined || !this.state.candidate) return this.result('paused', reason);
    const until = this.deps.watchUntil ?? timeline.now() + 600_000;
    try {
      while (timeline.now() < until) {
        try {
          await this.hold(this.deps.analysisConfig.interval, signal);
        } catch (error) {
          if (!(error instanceof Paused)) throw error;
        }
      }
    } catch (error) {
      if (error instanceof Rollback) {
        await this.rollback(error.message);
        return this.result('rolled-back', `${error.message} (after pausing: ${reason})`);
      }
      if (signal.aborted) return this.result('paused', reason);
      throw error;
    }
    return this.result('paused', reason);
  }

  private async analyse(): Promise<void> {
    const { timeline, analysis } = this.deps;
    const now = timeline.now();
    // Checks that ask an outside monitoring system (Prometheus) fetch first; the round itself is synchronous.
    if (analysis.fetches) await analysis.prepare(now, this.analysisSince!);
    const { decision, measurements, reason } = analysis.round(now, this.analysisSince!);
    this.lastRoundPassed = measurements.every((m) => m.phase === 'successful');
    timeline.add('analysis', `round: ${measurements.map((m) => m.phase).join(', ')}`, { measurements });
    const failed = measurements.find((m) => m.phase === 'failed');
    if (failed && !timeline.first('first-failure'))
      timeline.add('first-failure', failed.message, { check: failed.check });
    if (decision === 'fail') throw new Rollback(reason ?? 'analysis failed');
    if (decision === 'inconclusive') throw new Paused(reason ?? 'analysis inconclusive');
  }

  private async rollback(reason: string): Promise<void> {
    const { timeline, versions, stable } = this.deps;
    timeline.add('decision', `roll back: ${reason}`);
    await this.stopPreview();
    Object.assign(this.state, {
      weight: 0,
      segmentRules: [],
      mirrorPercent: 0,
      preview: false,
      stableInPool: true,
    });
    // Traffic moves first, unless there is no stable instance at all to move it to.
    if (stable.instances.length === 0) await this.restoreStable();
    await this.route();
    timeline.add('all-traffic-on-stable', `100% of traffic on ${versions.stable}`);
    await this.restoreStable();
    if (this.state.candidate || this.state.baseline) {
      await this.deps.clock.sleep(this.deps.drainMs ?? 1000);
      this.state.candidateInPool = false;
      await this.route();
      await Promise.all([this.state.candidate?.stop(), this.state.baseline?.stop()]);
      timeline.add('candidate-stopped', `${versions.candidate} stopped`);
      const last = this.deps.lastServedAt?.(versions.candidate);
      if (last !== undefined)
        timeline.add(
          'candidate-last-request',
          `monitoring saw ${versions.candidate} serve its last request by ${secs(last)}`,
          { at: last },
        );
    }
  }

  /** A rollback onto fewer stable instances than before the release is reported, and stable is scaled back up. */
  private async restoreStable(): Promise<void> {
    const { timeline, versions, stable } = this.deps;
    if (stable.instances.length < this.stableReplicas) {
      const warning = `rollback onto ${stable.instances.length} of ${this.stableReplicas} ${versions.stable} instance(s): the stable pool is too small to absorb all traffic; scaling it back up`;
      this.warnings.push(warning);
      timeline.add('rollback-capacity', warning);
      try {
        await stable.scale(this.stableReplicas);
        await this.route();
        timeline.add('scaled', `${versions.stable} back to ${stable.instances.length} instance(s)`);
      } catch (error) {
        this.warnings.push(`could not scale ${versions.stable} back up: ${messageOf(error)}`);
      }
    }
  }

  private async stopPreview(): Promise<void> {
    const run = this.previewRun;
    this.previewRun = undefined;
    await run?.stop();
  }

  private rolling(): RollingContext {
    return {
      deps: this.deps,
      state: this.state,
      weights: this.weights,
      stableReplicas: this.stableReplicas,
      route: () => this.route(),
    };
  }

  private async route(): Promise<void> {
    const { versions, timeline } = this.deps;
    const before = this.deps.router.current;
    await this.deps.router.update((t) => this.state.apply(t));
    const share = this.state.nominalShare();
    const prev = this.weights.changes.at(-1)?.weight ?? 0;
    if (this.state.candidateExposed && this.analysisSince === undefined) {
      this.analysisSince = timeline.now();
      this.nextRoundAt =
        this.analysisSince + this.deps.analysisConfig.initialDelay + this.deps.analysisConfig.interval;
    }
    const after = this.deps.router.current;
    if (
      share !== prev ||
      JSON.stringify(before.rules) !== JSON.stringify(after.rules) ||
      JSON.stringify(before.mirror) !== JSON.stringify(after.mirror) ||
      JSON.stringify(before.pools) !== JSON.stringify(after.pools)
    ) {
      this.weights.set(timeline.now(), share);
      timeline.add('weights', describeRouting(after, versions.candidate, share), {
        ...after.weights,
        candidateShare: share,
      });
    }
  }

  private result(outcome: Outcome, reason: string): ControllerResult {
    return { outcome, reason, measurements: this.deps.analysis.measurements, warnings: this.warnings };
  }
}

/** Thrown inside the plan to pause (analysis inconclusive beyond its limit). */
class Paused extends Error {}
