import { AnalysisRun } from '../analysis/analysis-run.js';
import { createCheck } from '../analysis/checks.js';
import { WeightHistory } from '../analysis/weight-history.js';
import { VirtualClock } from '../clock/virtual-clock.js';
import { Queries } from '../monitor/queries.js';
import { MetricStore } from '../monitor/store.js';
import { type ControllerResult, ReleaseController } from '../release/controller.js';
import { baselinePool, planStrategy } from '../release/strategies/index.js';
import type { Scenario } from '../scenario/schema.js';
import { makeUsers, type User } from '../traffic/users.js';
import { nullLogger } from '../util/logger.js';
import { Random } from '../util/random.js';
import { type Judgement, judgeCounts } from '../verdict/judge.js';
import type { FaultOutcome } from '../vocabulary/rehearsal-verdict.js';
import { Timeline, type TimelineEvent } from '../vocabulary/timeline.js';
import type { ServiceModel } from './model.js';
import { type PolicyName, policies } from './policies.js';
import { SimulatedFaults } from './simulated-faults.js';
import { SimulatedMonitoring } from './simulated-monitoring.js';
import { SimulatedPlatform } from './simulated-platform.js';
import { SimulatedRouter } from './simulated-router.js';
import { SimulatedService } from './simulated-service.js';

/** Options of one simulated rehearsal. */
export interface SimulationOptions {
  seed: number;
  policy?: PolicyName;
  /** Aggregation step of the traffic model, ms (default: the scrape interval, within 250–5000). */
  stepMs?: number;
}

/** One simulated rehearsal: the controller's result, the verdict, and the timeline. */
export interface SimulatedRun {
  seed: number;
  controller: ControllerResult;
  judgement: Judgement;
  faults: FaultOutcome[];
  events: TimelineEvent[];
  /** Requests the model generated. */
  requests: number;
  /** Virtual time the rehearsal took, ms. */
  durationMs: number;
}

/**
 * Rehearses a scenario in virtual time against the service model: the real ReleaseController,
 * strategy plan, AnalysisRun, checks, Queries/MetricStore and verdict; no socket, no process.
 */
export async function simulateScenario(
  scenario: Scenario,
  model: ServiceModel,
  opts: SimulationOptions,
): Promise<SimulatedRun> {
  const clock = new VirtualClock();
  const rng = new Random(opts.seed);
  const versions = { stable: scenario.service.stable, candidate: scenario.service.candidate };
  const timeline = new Timeline(clock);
  const service = new SimulatedService(
    model,
    scenario.traffic,
    rng.fork('service'),
    opts.stepMs ?? defaultStepMs(scenario),
  );
  const advance = () => service.advanceTo(timeline.now());
  for (const [version, toggles] of Object.entries(scenario.service.toggles ?? {}))
    service.addEffect(version, togglesEffect(toggles));
  const platform = new SimulatedPlatform(service, clock, model.deployMs, advance);
  const router = new SimulatedRouter(service, advance, () => usersOf(scenario));
  const store = new MetricStore();
  const queries = new Queries(store);
  const monitoring = new SimulatedMonitoring(
    service,
    store,
    clock,
    () => timeline.now(),
    { scrapeIntervalMs: scenario.monitoring.scrapeInterval, ...model.monitoring },
    rng.fork('monitoring'),
  );
  const deployed = new Set<string>([versions.stable]);
  const faults = new SimulatedFaults(scenario.faults, versions, service, deployed, {
    clock,
    timeline,
    replicas: scenario.service.replicas,
    advance,
    monitoring,
  });
  const analysisConfig = policies[opts.policy ?? 'scenario'].analysis(scenario);
  const weights = new WeightHistory();
  const checkVersions = { ...versions, baseline: baselinePool(scenario.strategy, versions.stable) };
  const defaults = { windowMs: analysisConfig.window, noData: analysisConfig.noData };
  const checks = analysisConfig.checks.map((c) =>
    createCheck(c, { queries, versions: checkVersions, weights, defaults }),
  );

  const task = async () => {
    const stable = await new SimulatedPlatform(service, clock, 0, advance).deploy({
      version: versions.stable,
      replicas: scenario.service.replicas,
    });
    await router.update((t) => {
      t.pools = {
        [versions.stable]: stable.instances.map((i) => ({ id: i.id, url: i.routerUrl })),
        [versions.candidate]: [],
      };
      t.weights = { [versions.stable]: 100, [versions.candidate]: 0 };
    });
    const controller = new ReleaseController({
      clock,
      log: nullLogger,
      platform,
      router,
      timeline,
      analysis: new AnalysisRun(checks),
      analysisConfig,
      versions: checkVersions,
      stable,
      weights,
      lastServedAt: (v) => queries.lastServedAt(v),
      preview: {
        start: (version) => {
          advance();
          service.setPreview(
            version,
            scenario.strategy.type === 'blue-green' ? scenario.strategy.preview.rate : 10,
          );
          return {
            stop: async () => {
              advance();
              service.setPreview();
            },
          };
        },
      },
      afterDeploy: async (d) => {
        deployed.add(d.version);
        faults.injectDue();
      },
    });
    const background = new AbortController();
    const stopController = new AbortController();
    timeline.add('traffic-start', `model traffic over ${scenario.traffic.duration / 1000}s`);
    const scraping = monitoring.run(background.signal);
    const faulting = faults.run(background.signal);
    const plan = planStrategy(scenario.strategy, {
      version: versions.candidate,
      replicas: scenario.service.replicas,
    });
    let trafficEnd = scenario.traffic.duration;
    let wake = new AbortController();
    const releasing = controller.run(plan, stopController.signal);
    releasing.then(
      () => {
        trafficEnd = Math.min(trafficEnd, timeline.now() + scenario.traffic.settle);
        wake.abort();
      },
      () => undefined,
    );
    while (timeline.now() < trafficEnd) {
      try {
        await clock.sleep(trafficEnd - timeline.now(), wake.signal);
      } catch {
        wake = new AbortController();
      }
    }
    advance();
    service.stopTrafficAt(trafficEnd);
    timeline.add('traffic-end', `${service.sent} requests sent`);
    const grace = clock
      .sleep(3000, background.signal)
      .then(() => stopController.abort())
      .catch(() => undefined);
    const result = await releasing;
    background.abort();
    await Promise.all([scraping, faulting, grace]);
    return result;
  };
  const result = await clock.run(task());
  const faultOutcomes = faults.outcomes();
  const judgement = judgeCounts({
    scenario,
    controller: result,
    events: timeline.events,
    counts: service.truth,
    lost: [],
    faults: faultOutcomes,
  });
  return {
    seed: opts.seed,
    controller: result,
    judgement,
    faults: faultOutcomes,
    events: timeline.events,
    requests: service.sent,
    durationMs: timeline.now(),
  };
}

function togglesEffect(t: Record<string, unknown>): {
  errorRate?: number;
  extraLatencyMs?: number;
  wrongVerdictRate?: number;
} {
  const num = (v: unknown) => (typeof v === 'number' ? v : undefined);
  const e: { errorRate?: number; extraLatencyMs?: number; wrongVerdictRate?: number } = {};
  if (num(t.errorRate) !== undefined) e.errorRate = num(t.errorRate)!;
  if (num(t.extraLatencyMs) !== undefined) e.extraLatencyMs = num(t.extraLatencyMs)!;
  if (num(t.wrongVerdictRate) !== undefined) e.wrongVerdictRate = num(t.wrongVerdictRate)!;
  return e;
}

/** Monitoring cannot see finer than a scrape, so traffic is aggregated per scrape interval unless asked otherwise. */
const userCache = new Map<string, User[]>();

/** The scenario's users, as the live traffic plan makes them (same count and seed); made once per scenario. */
function usersOf(scenario: Scenario): User[] {
  const key = `${scenario.traffic.users}:${scenario.seed}`;
  let users = userCache.get(key);
  if (!users) {
    users = makeUsers(scenario.traffic.users, scenario.seed);
    userCache.set(key, users);
  }
  return users;
}

export function defaultStepMs(scenario: Scenario): number {
  return Math.min(5000, Math.max(250, scenario.monitoring.scrapeInterval));
}
