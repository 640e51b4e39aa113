import type { Clock } from '../clock/clock.js';
import type { FaultCheck } from '../faults/fault.js';
import type { FaultConfig } from '../faults/index.js';
import { createFault } from '../faults/index.js';
import type { ScraperKnobs } from '../monitor/scraper.js';
import type { Scenario } from '../scenario/schema.js';
import { RehearsalError } from '../util/errors.js';
import { nullLogger } from '../util/logger.js';
import type { FaultOutcome } from '../vocabulary/rehearsal-verdict.js';
import type { Timeline } from '../vocabulary/timeline.js';
import type { Effect, SimulatedService } from './simulated-service.js';

/** Why a scenario cannot be simulated (a fault kind with no model), or undefined when it can. */
export function unsupportedFaults(scenario: Scenario): string | undefined {
  if (scenario.faults.some((f) => f.type === 'wrong-verdicts' && f.problems))
    return 'wrong-verdicts on chosen problems has no simulation model (the model has no per-problem traffic); all problems has';
  const missing = [...new Set(scenario.faults.map((f) => f.type).filter((t) => !modelled(t)))];
  return missing.length > 0
    ? `fault type(s) ${missing.join(', ')} have no simulation model (simulate supports: ${supportedFaults().join(', ')})`
    : undefined;
}

/**
 * Monitoring faults turn the knobs of the scraper, which the simulated monitoring has too: these run
 * the live fault code itself (inject, verify by the scrape counters, revert) on the virtual clock.
 */
const monitoringFaults = new Set(['scrape-gap', 'metrics-down', 'stale-metrics', 'wrong-labels']);

const modelled = (type: string) => Boolean(faultEffects[type]) || monitoringFaults.has(type);
const supportedFaults = () => [...Object.keys(faultEffects), ...monitoringFaults];

/** How each fault kind changes the simulated service; a kind missing here cannot be simulated. */
export const faultEffects: Record<string, (config: FaultConfig, share: number) => Effect> = {
  'http-errors': (c, share) => ({ errorRate: (c as { rate: number }).rate * share, marker: 'http-errors' }),
  latency: (c, share) => {
    const l = c as Extract<FaultConfig, { type: 'latency' }>;
    return l.mode === 'tail'
      ? { extraLatencyMs: l.ms, latencyShare: l.requests * share, marker: 'tail-latency' }
      : { extraLatencyMs: l.ms, latencyShare: share, marker: 'latency' };
  },
  // Network faults act in the router on the whole version, whatever the share of instances.
  'net-latency': (c) => ({ extraLatencyMs: (c as Extract<FaultConfig, { type: 'net-latency' }>).ms }),
  reset: (c) => ({ resetRate: (c as Extract<FaultConfig, { type: 'reset' }>).rate }),
  partition: () => ({ instancesLost: 1 }),
  'wrong-verdicts': (c, share) => ({
    wrongVerdictRate: (c as Extract<FaultConfig, { type: 'wrong-verdicts' }>).rate * share,
    marker: 'wrong-verdict',
  }),
  // Killed or lost instances fail their readiness probes and leave the pool; revert brings them back.
  // (`pause` is not modelled: frozen instances hold requests until users time out, and the probes need
  // two timeouts to notice, so live detection comes seconds later than an instant loss would give.)
  kill: (_c, share) => ({ instancesLost: share }),
  'capacity-loss': (_c, share) => ({ instancesLost: share }),
};

interface Item {
  config: FaultConfig;
  version: string;
  marker?: string;
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
    private readonly deployed: Set<string>,
    private readonly deps: {
      clock: Clock;
      timeline: Timeline;
      replicas: number;
      advance: () => void;
      /** The simulated scraper, for monitoring faults. */
      monitoring?: ScraperKnobs;
    },
  ) {
    const unsupported = configs.filter((c) => !modelled(c.type)).map((c) => c.type);
    if (unsupported.length > 0) {
      throw new RehearsalError(
        `fault type(s) ${unsupported.join(', ')} have no simulation model`,
        `simulate supports: ${supportedFaults().join(', ')}; rehearse such scenarios live with \`rehearse run\``,
        2,
      );
    }
    this.items = configs.map((config) => ({
      config,
      version:
        config.target === 'candidate'
          ? versions.candidate
          : config.target === 'stable'
            ? versions.stable
            : config.target,
      ...(createFault(config).marker ? { marker: createFault(config).marker! } : {}),
    }));
  }

  /** Injects every fault that is due and whose target is deployed. */
  injectDue(): void {
    const now = this.deps.timeline.now();
    for (const item of this.items) {
      if (item.injectedAt !== undefined || item.config.at > now || !this.deployed.has(item.version)) continue;
      this.deps.advance();
      item.injectedAt = now;
      const description = createFault(item.config).describe();
      this.deps.timeline.add('fault-injected', `${item.config.type} on ${item.version}: ${description}`);
      if (monitoringFaults.has(item.config.type)) {
        this.injectMonitoring(item);
        continue;
      }
      const affected = Math.max(1, Math.round(this.deps.replicas * item.config.share)) / this.deps.replicas;
      item.remove = this.service.addEffect(
        item.version,
        faultEffects[item.config.type]!(item.config, Math.min(1, affected)),
      );
      this.deps.timeline.add('fault-verified', `${item.config.type}: applied (simulated)`);
    }
  }

  /** Runs the live fault's own code against the simulated scraper: knobs turned now, verified over the next intervals. */
  private injectMonitoring(item: Item): void {
    const { monitoring, clock, timeline } = this.deps;
    if (!monitoring) throw new Error('monitoring faults need the simulated monitoring');
    const stop = new AbortController();
    const injected = createFault(item.config).inject({
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
      if (monitoringFaults.has(i.config.type)) {
        return {
          ...outcomeBase(i),
          appliedDetail: applied ? 'scraper knobs turned (simulated)' : 'not injected',
          verified: i.check?.ok ?? false,
          detail: i.check?.detail ?? (applied ? 'not verified before the rehearsal ended' : 'not injected'),
        };
      }
      const observed = i.marker ? this.service.marked(i.version, i.marker) : undefined;
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
    description: createFault(i.config).describe(),
    ...(i.injectedAt !== undefined ? { injectedAt: i.injectedAt } : {}),
    ...(i.revertedAt !== undefined ? { revertedAt: i.revertedAt } : {}),
    applied: i.injectedAt !== undefined,
  };
}
