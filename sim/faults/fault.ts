import { z } from 'zod';
import type { Clock } from '../clock/clock.js';
import type { ScraperKnobs } from '../monitor/scraper.js';
import type { Deployment, Instance } from '../platform/platform.js';
import type { RouteEditor } from '../router-client/route-editor.js';
import type { Logger } from '../util/logger.js';
import { duration } from '../vocabulary/scenario-fields.js';

/** Fields every fault has: what it targets and when. */
export const faultBase = {
  /** `candidate`, `stable`, or a version label. */
  target: z.string().default('candidate'),
  /** When to inject, from the start of traffic (a candidate fault waits for the candidate to exist). */
  at: duration.default(0),
  /** How long it lasts; unset = until the end of the rehearsal. */
  duration: duration.optional(),
  /** Share of the target's instances affected (at least one). */
  share: z.number().min(0).max(1).default(1),
};

/** The version label a fault's `target` names: `candidate` and `stable` stand for the release's two versions. */
export function targetVersion(target: string, versions: { stable: string; candidate: string }): string {
  return target === 'candidate' ? versions.candidate : target === 'stable' ? versions.stable : target;
}

/** The layer a fault acts on, for `rehearse list` and reports. */
export type FaultLayer = 'service' | 'instance' | 'network' | 'store' | 'monitoring';

/** What a fault is given to act on. */
export interface FaultContext {
  clock: Clock;
  log: Logger;
  /** The target version's label. */
  version: string;
  /** The current instances of the target version (empty if it is not deployed). */
  instances(): Instance[];
  router: RouteEditor;
  /** The harness's scraper: monitoring faults turn its distortion knobs and read its counters. */
  scraper: ScraperKnobs;
  /** Bearer token of the judge service's admin API. */
  serviceToken: string;
  /** The service has no fault toggles (an external service): faults that can act at the router do so. */
  noToggles?: boolean;
  /** Aborts when the rehearsal ends: background loops of a fault stop then. */
  signal: AbortSignal;
}

/** Whether a fault took effect, and the evidence. */
export interface FaultCheck {
  ok: boolean;
  detail: string;
}

/** A fault that has been injected and can be checked and reverted. */
export interface InjectedFault {
  /** Reads back the fault's state from its target: applied or not, and the evidence. */
  verify(): Promise<FaultCheck>;
  /** Undoes the fault; safe to call twice and on instances that are gone. */
  revert(): Promise<void>;
}

/** How a start-time fault saw its deployment go: the deployment, or the error it failed with. */
export type DeployResult =
  | { deployment: Deployment; error?: undefined }
  | { deployment?: undefined; error: string };

/** One kind of fault, configured from a scenario. */
export interface Fault {
  /** The fault's configuration after defaults. */
  readonly config: { type: string; target: string; at: number; duration?: number | undefined; share: number };
  /** A line for `rehearse plan` and reports. */
  describe(): string;
  /**
   * The response header value (`x-rehearsal-fault`) that marks a user request shaped by this fault,
   * if the fault marks them; used to verify from ground truth that it took effect.
   */
  readonly marker?: string;
  /** `any`: marked responses count whichever version served them (a wrong verdict is shown by whoever is polled). */
  readonly markerScope?: 'target' | 'any';
  /** Toggles the target's instances must start with (faults that act at start, such as crash-on-start). */
  startToggles?(): Record<string, unknown>;
  /** For start-time faults: whether the deployment went as the fault meant it to. */
  verifyStart?(result: DeployResult): FaultCheck;
  /** Applies the fault to its targets (a start-time fault has already acted: this returns what reverts it). */
  inject(ctx: FaultContext): Promise<InjectedFault>;
}

/** A fault that does nothing: the null object. */
export const noFault: InjectedFault = {
  verify: async () => ({ ok: true, detail: 'nothing to verify' }),
  revert: async () => undefined,
};

/** Picks the share of instances a fault affects: at least one, in a stable order. */
export function pickInstances(instances: Instance[], share: number): Instance[] {
  const n = Math.max(1, Math.round(instances.length * share));
  return [...instances].sort((a, b) => a.id.localeCompare(b.id)).slice(0, n);
}

/** Combines per-target problems into one check: ok when there are none. */
export function checkAll(problems: (string | null)[], okDetail: string): FaultCheck {
  const wrong = problems.filter((p): p is string => p !== null);
  return wrong.length === 0 ? { ok: true, detail: okDetail } : { ok: false, detail: wrong.join('; ') };
}
