import { z } from 'zod';
import { BandwidthFault, bandwidthSchema } from './bandwidth-fault.js';
import { CapacityLossFault, capacityLossSchema } from './capacity-loss-fault.js';
import { CpuBurnFault, cpuBurnSchema } from './cpu-burn-fault.js';
import { CrashLoopFault, crashLoopSchema } from './crash-loop-fault.js';
import { CrashOnStartFault, crashOnStartSchema } from './crash-on-start-fault.js';
import type { Fault, FaultLayer } from './fault.js';
import { HangFault, hangSchema } from './hang-fault.js';
import { HttpErrorsFault, httpErrorsSchema, httpErrorsSimulation } from './http-errors-fault.js';
import { IncompatibleMigrationFault, incompatibleMigrationSchema } from './incompatible-migration-fault.js';
import { lostInstancesSimulation } from './instance-fault.js';
import { KillFault, killSchema } from './kill-fault.js';
import { LatencyFault, latencySchema, latencySimulation } from './latency-fault.js';
import { MemoryLeakFault, memoryLeakSchema } from './memory-leak-fault.js';
import { MetricsDownFault, metricsDownSchema } from './metrics-down-fault.js';
import { scraperKnobsSimulation } from './monitoring-fault.js';
import { NetLatencyFault, netLatencySchema, netLatencySimulation } from './net-latency-fault.js';
import { PartitionFault, partitionSchema, partitionSimulation } from './partition-fault.js';
import { PauseFault, pauseSchema } from './pause-fault.js';
import { ReadinessFlapFault, readinessFlapSchema } from './readiness-flap-fault.js';
import { ResetFault, resetSchema, resetSimulation } from './reset-fault.js';
import { RestartFault, restartSchema } from './restart-fault.js';
import { ScrapeGapFault, scrapeGapSchema } from './scrape-gap-fault.js';
import type { FaultSimulation } from './simulation.js';
import { SlowLeaderboardFault, slowLeaderboardSchema } from './slow-leaderboard-fault.js';
import { StaleMetricsFault, staleMetricsSchema } from './stale-metrics-fault.js';
import { StoreLockedFault, storeLockedSchema } from './store-locked-fault.js';
import { StoreSlowFault, storeSlowSchema } from './store-slow-fault.js';
import { StoreUnavailableFault, storeUnavailableSchema } from './store-unavailable-fault.js';
import { WrongLabelsFault, wrongLabelsSchema } from './wrong-labels-fault.js';
import { WrongVerdictsFault, wrongVerdictsSchema, wrongVerdictsSimulation } from './wrong-verdicts-fault.js';

function kind<S extends z.ZodType, F extends Fault>(
  layer: FaultLayer,
  summary: string,
  schema: S,
  Cls: new (c: z.output<S>) => F,
  simulate?: FaultSimulation<z.output<S>>,
) {
  return { layer, summary, schema, create: (c: z.output<S>): Fault => new Cls(c), simulate };
}

/**
 * Every fault kind by name, with its layer, a one-line summary, its schema and class, and its simulation
 * model if it has one; the YAML enum, the types and what `rehearse simulate` supports derive from it.
 */
export const faultKinds = {
  'http-errors': kind(
    'service',
    'HTTP 500 on a share of requests',
    httpErrorsSchema,
    HttpErrorsFault,
    httpErrorsSimulation,
  ),
  latency: kind(
    'service',
    'extra latency on every request (fixed) or on a share (tail)',
    latencySchema,
    LatencyFault,
    latencySimulation,
  ),
  'wrong-verdicts': kind(
    'service',
    'wrong verdicts with HTTP 200, on all or chosen problems',
    wrongVerdictsSchema,
    WrongVerdictsFault,
    wrongVerdictsSimulation,
  ),
  'crash-on-start': kind(
    'service',
    'instances exit during start-up and never become ready',
    crashOnStartSchema,
    CrashOnStartFault,
  ),
  'crash-loop': kind(
    'service',
    'instances crash after N requests and are restarted, again and again',
    crashLoopSchema,
    CrashLoopFault,
  ),
  hang: kind('service', 'API requests hang while the process stays alive', hangSchema, HangFault),
  'memory-leak': kind('service', 'memory leaks at a steady rate', memoryLeakSchema, MemoryLeakFault),
  'cpu-burn': kind('service', 'a share of the main thread is kept busy', cpuBurnSchema, CpuBurnFault),
  'readiness-flap': kind(
    'service',
    'readiness flips between ready and not ready',
    readinessFlapSchema,
    ReadinessFlapFault,
  ),
  'slow-leaderboard': kind(
    'service',
    'verdicts and leaderboard updates commit late',
    slowLeaderboardSchema,
    SlowLeaderboardFault,
  ),
  'incompatible-migration': kind(
    'service',
    'the store is migrated to a schema older versions cannot read',
    incompatibleMigrationSchema,
    IncompatibleMigrationFault,
  ),
  kill: kind(
    'instance',
    'instances killed abruptly (restarted after `duration` if set)',
    killSchema,
    KillFault,
    lostInstancesSimulation,
  ),
  pause: kind('instance', 'instances frozen: connections hang until resumed', pauseSchema, PauseFault),
  restart: kind(
    'instance',
    'instances killed and started again at the same address',
    restartSchema,
    RestartFault,
  ),
  'capacity-loss': kind(
    'instance',
    "stable instances lost during the release (not the candidate's fault)",
    capacityLossSchema,
    CapacityLossFault,
    lostInstancesSimulation,
  ),
  'net-latency': kind(
    'network',
    'the router delays requests to a version',
    netLatencySchema,
    NetLatencyFault,
    netLatencySimulation,
  ),
  reset: kind(
    'network',
    'the router resets a share of connections to a version',
    resetSchema,
    ResetFault,
    resetSimulation,
  ),
  partition: kind(
    'network',
    'a version is unreachable from the router (503)',
    partitionSchema,
    PartitionFault,
    partitionSimulation,
  ),
  bandwidth: kind(
    'network',
    'responses from a version trickle through a narrow link',
    bandwidthSchema,
    BandwidthFault,
  ),
  'store-slow': kind('store', 'the store answers a version late', storeSlowSchema, StoreSlowFault),
  'store-locked': kind(
    'store',
    "the store is locked for a version's writes (SQLITE_BUSY)",
    storeLockedSchema,
    StoreLockedFault,
  ),
  'store-unavailable': kind(
    'store',
    'the store is unreachable from a version',
    storeUnavailableSchema,
    StoreUnavailableFault,
  ),
  'scrape-gap': kind(
    'monitoring',
    'monitoring is blind: no scrapes',
    scrapeGapSchema,
    ScrapeGapFault,
    scraperKnobsSimulation,
  ),
  'stale-metrics': kind(
    'monitoring',
    'metrics reach monitoring late',
    staleMetricsSchema,
    StaleMetricsFault,
    scraperKnobsSimulation,
  ),
  'metrics-down': kind(
    'monitoring',
    'metrics endpoints down: every scrape fails',
    metricsDownSchema,
    MetricsDownFault,
    scraperKnobsSimulation,
  ),
  'wrong-labels': kind(
    'monitoring',
    "a version's metrics carry a wrong label: queries find nothing",
    wrongLabelsSchema,
    WrongLabelsFault,
    scraperKnobsSimulation,
  ),
} as const;

/** A fault kind's name. */
export type FaultType = keyof typeof faultKinds;

/** The fault kinds' names, in catalogue order. */
export const faultTypes = Object.keys(faultKinds) as FaultType[];

type Schemas = (typeof faultKinds)[FaultType]['schema'];

/** Any fault's configuration, discriminated by `type`. */
export const faultSchema = z.discriminatedUnion(
  'type',
  Object.values(faultKinds).map((k) => k.schema) as unknown as [Schemas, ...Schemas[]],
);

/** A fault's configuration after defaults. */
export type FaultConfig = z.output<typeof faultSchema>;

/** Builds the fault object for a configuration. */
export function createFault(config: FaultConfig): Fault {
  const entry = faultKinds[config.type];
  return entry.create(config as never);
}

/** How `rehearse simulate` rehearses a fault kind, or undefined when it has no model (or is no kind at all). */
export function faultSimulation(type: string): FaultSimulation<FaultConfig> | undefined {
  return Object.hasOwn(faultKinds, type) ? faultKinds[type as FaultType].simulate : undefined;
}

/** The fault kinds `rehearse simulate` has a model for, in catalogue order. */
export const simulatedFaultTypes = faultTypes.filter((t) => faultKinds[t].simulate !== undefined);

export type { DeployResult, Fault, FaultCheck, FaultContext, FaultLayer, InjectedFault } from './fault.js';
export { targetVersion } from './fault.js';
export type { Effect, FaultSimulation } from './simulation.js';
