import { type Clock, STOPPED } from '../clock/clock.js';
import { VirtualClock } from '../clock/virtual-clock.js';
import type { Rig, TrafficResult, TrafficSource } from '../engine/rig.js';
import { Queries } from '../monitor/queries.js';
import { MetricStore } from '../monitor/store.js';
import type { PreviewTraffic } from '../release/preview.js';
import type { Scenario } from '../scenario/schema.js';
import { makeUsers, type User } from '../traffic/users.js';
import { nullLogger } from '../util/logger.js';
import { Random } from '../util/random.js';
import type { TrafficCount } from '../verdict/blast-radius.js';
import type { Timeline } from '../vocabulary/timeline.js';
import type { ServiceModel } from './model.js';
import { shippedProblemMix } from './problem-mix.js';
import { SimulatedFaults } from './simulated-faults.js';
import { SimulatedMonitoring } from './simulated-monitoring.js';
import { SimulatedPlatform } from './simulated-platform.js';
import { SimulatedRouter } from './simulated-router.js';
import { SimulatedService } from './simulated-service.js';

/** The model's ground truth: counts per version per step. */
export type CountsTruth = { counts: TrafficCount[] };

/** What makes one simulated run differ from another. */
export interface SimulatedRigOptions {
  seed: number;
  /** Aggregation step of the traffic model, ms (default: the scrape interval, within 250–5000). */
  stepMs?: number;
}

/**
 * The rig of a simulated rehearsal: adapters over the service model, in virtual time; no socket, no process.
 * Stable deploys in no time, so the timeline's zero is the virtual clock's.
 */
export function simulatedRig(
  scenario: Scenario,
  model: ServiceModel,
  opts: SimulatedRigOptions,
): Rig<CountsTruth> {
  const clock = new VirtualClock();
  const rng = new Random(opts.seed);
  const versions = { stable: scenario.service.stable, candidate: scenario.service.candidate };
  const service = new SimulatedService(
    model,
    scenario.traffic,
    rng.fork('service'),
    opts.stepMs ?? defaultStepMs(scenario),
    splitsByProblem(scenario) ? shippedProblemMix(scenario.traffic) : undefined,
  );
  // Every change of route, instances or effects first generates the traffic up to now under the old state.
  const advance = () => service.advanceTo(clock.now());
  for (const [version, toggles] of Object.entries(scenario.service.toggles ?? {}))
    service.addEffect(version, togglesEffect(toggles));
  const platform = new SimulatedPlatform(service, clock, model.deployMs, advance);
  return {
    clock,
    log: nullLogger,
    deployStable: (spec) => new SimulatedPlatform(service, clock, 0, advance).deploy(spec),
    routes: new SimulatedRouter(service, advance, () => usersOf(scenario)),
    drive: (task) => clock.run(task),
    parts: ({ timeline, deployments, previewRate }) => {
      const store = new MetricStore();
      const monitoring = new SimulatedMonitoring(
        service,
        store,
        clock,
        () => timeline.now(),
        { scrapeIntervalMs: scenario.monitoring.scrapeInterval, ...model.monitoring },
        rng.fork('monitoring'),
      );
      const faults = new SimulatedFaults(scenario.faults, versions, service, deployments, {
        clock,
        timeline,
        replicas: scenario.service.replicas,
        advance,
        monitoring,
      });
      return {
        deploy: (spec) => platform.deploy(spec),
        traffic: new ModelTraffic(service, clock, timeline, scenario.traffic.duration, advance),
        monitoring: { queries: new Queries(store), run: (signal) => monitoring.run(signal) },
        faults: {
          injectDue: () => faults.injectDue(),
          run: (signal) => faults.run(signal),
          outcomes: () => faults.outcomes(),
        },
        preview: modelPreview(service, previewRate, advance),
      };
    },
  };
}

/** User traffic as the model generates it: the service makes requests as time passes; this only ends it. */
class ModelTraffic implements TrafficSource<CountsTruth> {
  readonly plan: string;
  private end: number;
  private wake = new AbortController();

  constructor(
    private readonly service: SimulatedService,
    private readonly clock: Clock,
    private readonly timeline: Timeline,
    durationMs: number,
    private readonly advance: () => void,
  ) {
    this.plan = `model traffic over ${durationMs / 1000}s`;
    this.end = durationMs;
  }

  stopAt(ms: number): void {
    this.end = Math.min(this.end, ms);
    this.wake.abort(STOPPED);
  }

  async run(): Promise<TrafficResult<CountsTruth>> {
    while (this.timeline.now() < this.end) {
      try {
        await this.clock.sleep(this.end - this.timeline.now(), this.wake.signal);
      } catch {
        this.wake = new AbortController();
      }
    }
    this.advance();
    this.service.stopTrafficAt(this.end);
    return { truth: { counts: this.service.truth }, sent: this.service.sent };
  }
}

/** Blue-green's smoke traffic as a rate the model adds to the previewed version. */
function modelPreview(service: SimulatedService, rate: number, advance: () => void): PreviewTraffic {
  return {
    start: (version) => {
      advance();
      service.setPreview(version, rate);
      return {
        stop: async () => {
          advance();
          service.setPreview();
        },
      };
    },
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

/**
 * Whether the model splits verdicts by problem: only when a check looks at problems or a fault picks them,
 * since the split costs time (and, with its own random stream, changes no other number).
 */
function splitsByProblem(scenario: Scenario): boolean {
  return (
    scenario.strategy.analysis.checks.some((c) => c.kind === 'per-problem') ||
    scenario.faults.some((f) => f.type === 'wrong-verdicts' && f.problems !== undefined)
  );
}

/** Monitoring cannot see finer than a scrape, so traffic is aggregated per scrape interval unless asked otherwise. */
export function defaultStepMs(scenario: Scenario): number {
  return Math.min(5000, Math.max(250, scenario.monitoring.scrapeInterval));
}
