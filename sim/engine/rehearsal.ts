import { AnalysisRun } from '../analysis/analysis-run.js';
import type { MeasurementMessages } from '../analysis/check-base.js';
import { createCheck } from '../analysis/checks.js';
import type { AnalysisConfig } from '../analysis/config.js';
import { WeightHistory } from '../analysis/weight-history.js';
import { STOPPED } from '../clock/clock.js';
import type { Queries } from '../monitor/queries.js';
import type { Deployment } from '../platform/platform.js';
import { type ControllerResult, ReleaseController } from '../release/controller.js';
import { DEFAULT_PREVIEW_RATE } from '../release/strategies/blue-green.js';
import { baselinePool, planStrategy, type StrategyConfig } from '../release/strategies/index.js';
import type { RouteTable } from '../router/route-table.js';
import type { Scenario } from '../scenario/schema.js';
import { messageOf } from '../util/errors.js';
import { type Judgement, judge } from '../verdict/judge.js';
import type { FaultOutcome } from '../vocabulary/rehearsal-verdict.js';
import { Timeline, type TimelineEvent } from '../vocabulary/timeline.js';
import { reasonOf } from './interruption.js';
import type { GroundTruth, Rig, RigParts, TrafficResult } from './rig.js';

/**
 * How long the controller may go on once traffic has ended: a decision in flight (a rollback under way, an
 * analysis round due) still lands, then it is stopped where it is.
 */
export const STOP_GRACE_MS = 3000;

/** What one rehearsal is asked to do. */
export interface RehearsalOptions {
  scenario: Scenario;
  /** The analysis the controller runs (default: the scenario's; a simulation may put a policy's in its place). */
  analysis?: AnalysisConfig;
  /** Ctrl-C or `--timeout`: the run stops where it is (no grace, no reconciliation); what was measured is kept. */
  signal?: AbortSignal;
  onEvent?: (e: TimelineEvent) => void;
  /** Which measurements carry a message (default `all`; `decisions` for a caller that keeps no measurements). */
  messages?: MeasurementMessages;
}

/** A rehearsal run to its end and judged. */
export interface Rehearsal<T extends GroundTruth> {
  controller: ControllerResult;
  judgement: Judgement;
  faults: FaultOutcome[];
  timeline: Timeline;
  queries: Queries;
  traffic: TrafficResult<T>;
  analysis: AnalysisConfig;
  /** Set when the run was stopped before it could be judged: by what, and when (ms on the timeline). */
  interrupted?: { reason: string; atMs: number };
}

/** Smoke requests per second a preview gets: blue-green's own, else the default (no other strategy previews). */
export function previewRate(strategy: StrategyConfig): number {
  return strategy.type === 'blue-green' ? strategy.preview.rate : DEFAULT_PREVIEW_RATE;
}

/**
 * The one rehearsal lifecycle, live or simulated: deploy stable, the first route table, start traffic, run
 * the controller, schedule faults, watch readiness, stop (settle + grace), collect, judge. The rig builds the
 * adapters; everything here happens in this order on every rig.
 */
export async function rehearse<T extends GroundTruth>(
  rig: Rig<T>,
  opts: RehearsalOptions,
): Promise<Rehearsal<T>> {
  const { scenario } = opts;
  const { clock, log } = rig;
  const analysis = opts.analysis ?? scenario.strategy.analysis;
  const versions = { stable: scenario.service.stable, candidate: scenario.service.candidate };
  const interrupt = opts.signal ?? new AbortController().signal;
  const drive = <R>(task: Promise<R>): Promise<R> => (rig.drive ? rig.drive(task) : task);
  const specFor = (version: string) => ({
    toggles: scenario.service.toggles?.[version] ?? {},
    ...(scenario.service.workers ? { workers: scenario.service.workers } : {}),
  });
  const deployments = new Map<string, Deployment>();
  const background = new AbortController();
  const stopController = new AbortController();
  let parts: RigParts<T> | undefined;
  let timeline: Timeline | undefined;
  const onAbort = () => {
    timeline?.add('interrupted', reasonOf(interrupt.reason));
    stopController.abort();
  };

  const release = async () => {
    const stable = await rig.deployStable({
      ...specFor(versions.stable),
      version: versions.stable,
      replicas: scenario.service.replicas,
    });
    deployments.set(versions.stable, stable);
    await rig.routes.update((t) => firstRoutes(t, stable, versions));
    // Time zero: the start of traffic, once stable is serving.
    const tl = new Timeline(clock, opts.onEvent);
    timeline = tl;
    const rigParts = rig.parts({
      timeline: tl,
      deployments,
      signal: background.signal,
      previewRate: previewRate(scenario.strategy),
    });
    parts = rigParts;
    const { monitoring, faults, traffic } = rigParts;
    const weights = new WeightHistory();
    const checkVersions = { ...versions, baseline: baselinePool(scenario.strategy, versions.stable) };
    const defaults = { windowMs: analysis.window, noData: analysis.noData, messages: opts.messages ?? 'all' };
    const checks = analysis.checks.map((c) =>
      createCheck(c, {
        queries: monitoring.queries,
        versions: checkVersions,
        weights,
        defaults,
        prometheus: monitoring.prometheus,
      }),
    );
    const controller = new ReleaseController({
      clock,
      log,
      ...(rig.watchUntil !== undefined ? { watchUntil: rig.watchUntil } : {}),
      platform: { deploy: (spec) => rigParts.deploy(spec) },
      router: rig.routes,
      timeline: tl,
      analysis: new AnalysisRun(checks),
      analysisConfig: analysis,
      versions: checkVersions,
      stable,
      weights,
      preview: rigParts.preview,
      lastServedAt: (v) => monitoring.queries.lastServedAt(v),
      specFor,
      afterDeploy: async (d) => {
        deployments.set(d.version, d);
        await faults.injectDue();
      },
    });
    if (interrupt.aborted) onAbort();
    else interrupt.addEventListener('abort', onAbort, { once: true });
    const plan = planStrategy(scenario.strategy, {
      version: versions.candidate,
      replicas: scenario.service.replicas,
    });
    tl.add('traffic-start', traffic.plan);
    const scraping = monitoring.run(background.signal);
    const faulting = faults.run(background.signal);
    const probing = rigParts.readiness?.run(background.signal);
    // If the release or the traffic fails first, these are never awaited: their own failure (often the same one)
    // must not become an unhandled rejection, which would end the process. On success they are awaited below.
    for (const task of [scraping, faulting, probing]) task?.catch(() => undefined);
    const releasing = controller.run(plan, stopController.signal);
    // Once the release is decided, traffic goes on for `settle` so that the aftermath is measured.
    releasing.then(
      () => traffic.stopAt(tl.now() + scenario.traffic.settle),
      () => undefined,
    );
    const sent = await traffic.run(interrupt);
    tl.add(
      'traffic-end',
      `${sent.sent} requests sent${sent.stats?.thresholdsFailed ? '; k6 thresholds failed (exit 99)' : ''}`,
    );
    // Interrupted: no grace, no reconciliation, no waiting for verifications; what was measured is kept.
    const grace = clock
      .sleep(interrupt.aborted ? 0 : STOP_GRACE_MS, background.signal)
      .then(() => stopController.abort(STOPPED))
      .catch(() => undefined);
    let result: ControllerResult;
    try {
      result = await releasing;
    } catch (error) {
      tl.add('error', `controller failed: ${messageOf(error)}`);
      throw error;
    }
    background.abort(STOPPED);
    await Promise.all([scraping, faulting, probing, grace]);
    return { result, sent, parts: rigParts, timeline: tl };
  };

  try {
    const { result, sent, parts: p, timeline: tl } = await drive(release());
    const stopped = interrupt.aborted;
    const lost = stopped || !p.reconcile ? [] : await p.reconcile(sent.truth);
    if (!stopped) await p.faults.settle?.();
    const faults = p.faults.outcomes(sent.truth);
    await p.faults.revertAll?.();
    const judgement = judge({ scenario, controller: result, events: tl.events, faults, lost, ...sent.truth });
    await p.keep?.(sent.truth);
    return {
      controller: result,
      judgement,
      faults: judgement.faults,
      timeline: tl,
      queries: p.monitoring.queries,
      traffic: sent,
      analysis,
      ...(stopped
        ? {
            interrupted: {
              reason: reasonOf(interrupt.reason),
              atMs: tl.first('interrupted')?.at ?? tl.now(),
            },
          }
        : {}),
    };
  } finally {
    interrupt.removeEventListener('abort', onAbort);
    background.abort(STOPPED);
    stopController.abort(STOPPED);
    await parts?.faults.revertAll?.();
  }
}

/** The table before the release: every user on stable's instances, the candidate's pool empty. */
function firstRoutes(
  t: RouteTable,
  stable: Deployment,
  versions: { stable: string; candidate: string },
): void {
  t.pools = {
    [versions.stable]: stable.instances.map((i) => ({ id: i.id, url: i.routerUrl })),
    [versions.candidate]: [],
  };
  t.weights = { [versions.stable]: 100, [versions.candidate]: 0 };
}
