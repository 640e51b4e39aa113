import type { Clock } from '../clock/clock.js';
import {
  createFault,
  type DeployResult,
  type Fault,
  type FaultConfig,
  type InjectedFault,
  targetVersion,
} from '../faults/index.js';
import type { ScraperKnobs } from '../monitor/scraper.js';
import type { Deployment } from '../platform/platform.js';
import type { RouteEditor } from '../router-client/route-editor.js';
import type { RequestRecord } from '../traffic/record.js';
import { messageOf } from '../util/errors.js';
import type { Logger } from '../util/logger.js';
import type { FaultOutcome } from '../vocabulary/rehearsal-verdict.js';
import type { Timeline } from '../vocabulary/timeline.js';

interface Scheduled {
  fault: Fault;
  version: string;
  /** Set as soon as injection starts, so that concurrent callers inject once. */
  started: boolean;
  injected?: InjectedFault;
  injectedAt?: number;
  revertedAt?: number;
  applied: boolean;
  appliedDetail: string;
  /** The verification in flight, if any. */
  verifying?: Promise<void>;
}

/** What the scheduler needs from the engine. */
export interface FaultSchedulerDeps {
  clock: Clock;
  log: Logger;
  timeline: Timeline;
  router: RouteEditor;
  scraper: ScraperKnobs;
  serviceToken: string;
  /** The service has no fault toggles (`service.kind: external`): service faults are injected at the router. */
  noToggles?: boolean;
  /** Aborts when the rehearsal ends. */
  signal: AbortSignal;
}

/** Whether a marker header value (comma-separated when several faults shaped a response) names `marker`. */
function carries(header: string | undefined, marker: string): boolean {
  return header?.split(',').some((m) => m.trim() === marker) ?? false;
}

/** Injects a scenario's faults on schedule, verifies them, and reverts them; nothing stays injected. */
export class FaultScheduler {
  private readonly items: Scheduled[];

  constructor(
    configs: FaultConfig[],
    versions: { stable: string; candidate: string },
    private readonly deployments: ReadonlyMap<string, Deployment>,
    private readonly deps: FaultSchedulerDeps,
  ) {
    this.items = configs.map((c) => ({
      fault: createFault(c),
      version: targetVersion(c.target, versions),
      started: false,
      applied: false,
      appliedDetail: 'not injected: its target never ran',
    }));
  }

  /** Toggles a version must start with (start-time faults such as crash-on-start); marks those faults injected. */
  startToggles(version: string): Record<string, unknown> {
    const toggles: Record<string, unknown> = {};
    for (const item of this.items) {
      if (item.started || item.version !== version || !item.fault.startToggles) continue;
      Object.assign(toggles, item.fault.startToggles());
      item.started = true;
      item.injectedAt = this.deps.timeline.now();
      item.appliedDetail = 'passed at start, but the deployment never reported back';
      this.deps.timeline.add(
        'fault-injected',
        `${item.fault.config.type} on ${version}: ${item.fault.describe()} (at start)`,
      );
    }
    return toggles;
  }

  /** Records how a version's deployment went, for start-time faults to verify against. */
  deployed(version: string, result: DeployResult): void {
    for (const item of this.items) {
      if (item.version !== version || !item.fault.verifyStart || item.injectedAt === undefined) continue;
      const check = item.fault.verifyStart(result);
      item.applied = check.ok;
      item.appliedDetail = check.detail;
      item.injected = { verify: async () => check, revert: async () => undefined };
      this.deps.timeline.add(
        'fault-verified',
        `${item.fault.config.type}: ${check.ok ? 'applied' : 'NOT applied'} (${check.detail})`,
      );
    }
  }

  /** Injects every fault that is due and whose target now exists (called when a version is deployed). */
  async injectDue(): Promise<void> {
    const now = this.deps.timeline.now();
    await Promise.all(
      this.items
        .filter((i) => !i.started && i.fault.config.at <= now && this.deployments.has(i.version))
        .map((i) => this.inject(i)),
    );
  }

  /** Waits for every verification still in flight. */
  async settle(): Promise<void> {
    await Promise.all(this.items.map((i) => i.verifying));
  }

  /** Runs the schedule until `signal` aborts: injections at `at`, reverts after `duration`. */
  async run(signal: AbortSignal): Promise<void> {
    const { clock, timeline } = this.deps;
    while (!signal.aborted) {
      await this.injectDue();
      for (const item of this.items) {
        const d = item.fault.config.duration;
        if (
          item.injected &&
          item.revertedAt === undefined &&
          d !== undefined &&
          timeline.now() >= item.injectedAt! + d
        )
          await this.revert(item);
      }
      try {
        await clock.sleep(100, signal);
      } catch {
        return;
      }
    }
  }

  /** Reverts every fault still in place. */
  async revertAll(): Promise<void> {
    await Promise.all(
      this.items.filter((i) => i.injected && i.revertedAt === undefined).map((i) => this.revert(i)),
    );
  }

  /** Each fault with its evidence: applied (read back) and observed in what users got. */
  outcomes(records: RequestRecord[], smoke?: (version: string, marker: string) => number): FaultOutcome[] {
    return this.items.map((i) => {
      const marker = i.fault.marker;
      const anyVersion = i.fault.markerScope === 'any';
      const byUsers =
        marker && i.applied
          ? records.filter((r) => carries(r.fault, marker) && (anyVersion || r.version === i.version)).length
          : undefined;
      // Smoke responses on a blue-green preview and shadow copies count as evidence too: a fault caught there never reaches a user.
      const bySmoke = marker && smoke ? smoke(i.version, marker) : 0;
      const observed = byUsers === undefined ? undefined : byUsers + bySmoke;
      const verified = i.applied && (observed === undefined || observed > 0);
      const detail = !i.applied
        ? i.appliedDetail
        : observed === 0
          ? `applied (${i.appliedDetail}) but no user response showed it: the faulty version took no traffic while it was active`
          : observed !== undefined
            ? `${byUsers} user response(s)${bySmoke > 0 ? ` and ${bySmoke} preview smoke or shadow response(s)` : ''} carried the fault (${i.appliedDetail})`
            : i.appliedDetail;
      return {
        type: i.fault.config.type,
        target: i.version,
        description: i.fault.describe(),
        ...(i.injectedAt !== undefined ? { injectedAt: i.injectedAt } : {}),
        ...(i.revertedAt !== undefined ? { revertedAt: i.revertedAt } : {}),
        applied: i.applied,
        appliedDetail: i.appliedDetail,
        ...(observed !== undefined ? { observedResponses: observed } : {}),
        verified,
        detail,
      };
    });
  }

  private async inject(item: Scheduled): Promise<void> {
    const { timeline, log } = this.deps;
    const deployment = this.deployments.get(item.version)!;
    item.started = true;
    item.injectedAt = timeline.now();
    try {
      const injected = await item.fault.inject({
        clock: this.deps.clock,
        log,
        version: item.version,
        instances: () => this.deployments.get(item.version)?.instances ?? deployment.instances,
        router: this.deps.router,
        scraper: this.deps.scraper,
        serviceToken: this.deps.serviceToken,
        noToggles: this.deps.noToggles === true,
        signal: this.deps.signal,
      });
      item.injected = injected;
      item.appliedDetail = 'injected; verification did not finish';
      timeline.add(
        'fault-injected',
        `${item.fault.config.type} on ${item.version}: ${item.fault.describe()}`,
      );
      // Verified in the background: some effects (a counter rising, a scrape gap) take a moment to show.
      item.verifying = injected.verify().then(
        (check) => {
          item.applied = check.ok;
          item.appliedDetail = check.detail;
          timeline.add(
            'fault-verified',
            `${item.fault.config.type}: ${check.ok ? 'applied' : 'NOT applied'} (${check.detail})`,
          );
        },
        (error: unknown) => {
          item.applied = false;
          item.appliedDetail = `verification failed: ${messageOf(error)}`;
          timeline.add('error', `fault ${item.fault.config.type} could not be verified: ${messageOf(error)}`);
        },
      );
    } catch (error) {
      item.applied = false;
      item.appliedDetail = `injection failed: ${messageOf(error)}`;
      timeline.add('error', `fault ${item.fault.config.type} could not be injected: ${messageOf(error)}`);
    }
  }

  private async revert(item: Scheduled): Promise<void> {
    item.revertedAt = this.deps.timeline.now();
    try {
      await item.injected?.revert();
      this.deps.timeline.add('fault-reverted', `${item.fault.config.type} on ${item.version} reverted`);
    } catch (error) {
      this.deps.timeline.add(
        'error',
        `fault ${item.fault.config.type} could not be reverted: ${messageOf(error)}`,
      );
    }
  }
}
