import type { Clock } from '../clock/clock.js';
import {
  createFault,
  type Fault,
  type FaultCheck,
  type FaultConfig,
  type FaultSimulation,
  faultSimulation,
  simulatedFaultTypes,
  targetVersion,
} from '../faults/index.js';
import type { ScraperKnobs } from '../monitor/scraper.js';
import type { Scenario } from '../scenario/schema.js';
import { ExitCode, RehearsalError } from '../util/errors.js';
import { nullLogger } from '../util/logger.js';
import type { FaultOutcome } from '../vocabulary/rehearsal-verdict.js';
import type { Timeline } from '../vocabulary/timeline.js';
import type { SimulatedService } from './simulated-service.js';

/** Why a scenario cannot be simulated (a fault kind with no model), or undefined when it can. */
export function unsupportedFaults(scenario: Scenario): string | undefined {
  for (const config of scenario.faults) {
    const model = faultSimulation(config.type);
    const reason = model?.via === 'service' ? model.unsupported?.(config) : undefined;
    if (reason) return reason;
  }
  const missing = [...new Set(scenario.faults.map((f) => f.type).filter((t) => !faultSimulation(t)))];
  return missing.length > 0
    ? `fault type(s) ${missing.join(', ')} have no simulation model (simulate supports: ${simulatedFaultTypes.join(', ')})`
    : undefined;
}

interface Item {
  config: FaultConfig;
  /** The live fault: its description and marker, and the code a monitoring fault runs. */
  fault: Fault;
  model: FaultSimulation<FaultConfig>;
  version: string;
  injectedAt?: number;
  revertedAt?: number;
  remove?: () => void;
  /** A monitoring fault's verification, once it has run. */
  check?: FaultCheck;
}

/** Applies a scenario's faults to the simulated service on their schedule, with the same timeline events as live runs. */
export class SimulatedFaults {
  private readonly items: Item[];

  constructor(
    configs: FaultConfig[],
    versions: { stable: string; candidate: string },
    private readonly service: SimulatedService,
    private readonly deployed: { has(version: string): boolean },
    private readonly deps: {
      clock: Clock;
      timeline: Timeline;
      replicas: number;
      advance: () => void;
      /** The simulated scraper, for monitoring faults. */
      monitoring?: ScraperKnobs;
    },
  ) {
    const unsupported = configs.filter((c) => !faultSimulation(c.type)).map((c) => c.type);
    if (unsupported.length > 0) {
      throw new RehearsalError(
        `fault type(s) ${unsupported.join(', ')} have no simulation model`,
        `simulate supports: ${simulatedFaultTypes.join(', ')}; rehearse such scenarios live with \`rehearse run\``,
        ExitCode.invalidScenario,
      );
    }
    this.items = configs.map((config) => ({
      config,
      fault: createFault(config),
      model: faultSimulation(config.type)!,
      version: targetVersion(config.target, versions),
    }));
  }

  /** Injects every fault that is due and whose target is deployed. */
  injectDue(): void {
    const now = this.deps.timeline.now();
    for (const item of this.items) {
      if (item.injectedAt !== undefined || item.config.at > now || !this.deployed.has(item.version)) continue;
      this.deps.advance();
      item.injectedAt = now;
      const { config, fault, model } = item;
      this.deps.timeline.add('fault-injected', `${config.type} on ${item.version}: ${fault.describe()}`);
      if (model.via === 'monitoring') {
        this.injectMonitoring(item);
        continue;
      }
      const affected = Math.max(1, Math.round(this.deps.replicas * config.share)) / this.deps.replicas;
      item.remove = this.service.addEffect(item.version, {
        ...model.effect(config, Math.min(1, affected)),
        ...(fault.marker ? { marker: fault.marker } : {}),
      });
      this.deps.timeline.add('fault-verified', `${config.type}: applied (simulated)`);
    }
  }

  /** Runs the live fault's own code against the simulated scraper: knobs turned now, verified over the next intervals. */
  private injectMonitoring(item: Item): void {
    const { monitoring, clock, timeline } = this.deps;
    if (!monitoring) throw new Error('monitoring faults need the simulated monitoring');
    const stop = new AbortController();
    const injected = item.fault.inject({
      clock,
      log: nullLogger,
      version: item.version,
      instances: () => [],
      router: undefined as never, // monitoring faults never touch the route table
      scraper: monitoring,
      serviceToken: '',
      signal: stop.signal,
    });
    item.remove = () => {
      stop.abort();
      void injected.then((f) => f.revert());
    };
    void injected
      .then((f) => f.verify())
      .then((check) => {
        item.check = check;
        if (check.ok)
          timeline.add('fault-verified', `${item.config.type}: applied (${check.detail}, simulated)`);
      });
  }

  /** Runs the schedule until `signal` aborts, waking only when something is due. */
  async run(signal: AbortSignal): Promise<void> {
    const { clock, timeline } = this.deps;
    while (!signal.aborted) {
      this.injectDue();
      for (const item of this.items) {
        const d = item.config.duration;
        if (
          item.remove &&
          item.revertedAt === undefined &&
          d !== undefined &&
          timeline.now() >= item.injectedAt! + d
        )
          this.revert(item);
      }
      const next = this.items
        .flatMap((i) =>
          i.injectedAt === undefined
            ? [i.config.at]
            : i.revertedAt === undefined && i.config.duration !== undefined
              ? [i.injectedAt + i.config.duration]
              : [],
        )
        .filter((t) => t > timeline.now());
      try {
        await clock.sleep(next.length > 0 ? Math.min(...next) - timeline.now() : 60_000, signal);
      } catch {
        return;
      }
    }
  }

  /** Each fault with its evidence, as the live scheduler reports it. */
  outcomes(): FaultOutcome[] {
    return this.items.map((i) => {
      const applied = i.injectedAt !== undefined;
      if (i.model.via === 'monitoring') {
        return {
          ...outcomeBase(i),
          appliedDetail: applied ? 'scraper knobs turned (simulated)' : 'not injected',
          verified: i.check?.ok ?? false,
          detail: i.check?.detail ?? (applied ? 'not verified before the rehearsal ended' : 'not injected'),
        };
      }
      const marker = i.fault.marker;
      const observed = marker ? this.service.marked(i.version, marker) : undefined;
      const verified = applied && (observed === undefined || observed > 0);
      return {
        ...outcomeBase(i),
        appliedDetail: applied ? 'applied to the model' : 'not injected: its target never ran',
        ...(observed !== undefined ? { observedResponses: observed } : {}),
        verified,
        detail: !applied
          ? 'not injected'
          : observed === 0
            ? 'applied but no user response showed it'
            : `${observed ?? 0} user response(s) carried the fault`,
      };
    });
  }

  private revert(item: Item): void {
    this.deps.advance();
    item.remove?.();
    item.revertedAt = this.deps.timeline.now();
    this.deps.timeline.add('fault-reverted', `${item.config.type} on ${item.version} reverted`);
  }
}

/** What every fault outcome states: the fault, its target, and when it was injected and reverted. */
function outcomeBase(
  i: Item,
): Pick<FaultOutcome, 'type' | 'target' | 'description' | 'injectedAt' | 'revertedAt' | 'applied'> {
  return {
    type: i.config.type,
    target: i.version,
    description: i.fault.describe(),
    ...(i.injectedAt !== undefined ? { injectedAt: i.injectedAt } : {}),
    ...(i.revertedAt !== undefined ? { revertedAt: i.revertedAt } : {}),
    applied: i.injectedAt !== undefined,
  };
}
