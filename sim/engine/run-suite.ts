import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Clock } from '../clock/clock.js';
import { withBudget } from '../report/budget.js';
import { type Reporter, type ReportOutcome, writeReports } from '../report/reporter.js';
import { defaultReporters } from '../report/reporters.js';
import type { LoadedScenario } from '../scenario/load.js';
import type { RequestRecord } from '../traffic/record.js';
import type { Logger } from '../util/logger.js';
import type { PlatformOptions } from '../vocabulary/platforms.js';
import type { RunReport, ScenarioReport } from '../vocabulary/report-model.js';
import type { TimelineEvent } from '../vocabulary/timeline.js';
import type { DriverName } from '../vocabulary/traffic-drivers.js';
import { reasonOf } from './interruption.js';
import { rehearseScenario, type ScenarioEnv } from './run-scenario.js';

/** Options of a suite run. */
export interface SuiteOptions {
  platform: string;
  reportsDir: string;
  clock: Clock;
  log: Logger;
  signal: AbortSignal;
  runId?: string;
  toolVersion: string;
  nodeVersion: string;
  reporters?: Reporter[];
  /** Scenarios rehearsed at once (each has its own processes, ports and store file); default 1. */
  parallel?: number;
  onScenarioStart?: (s: LoadedScenario, index: number, total: number) => void;
  onScenarioEnd?: (r: ScenarioReport) => void;
  onEvent?: (scenario: string, e: TimelineEvent) => void;
  onRecord?: (scenario: string, r: RequestRecord) => void;
  /** Overrides every scenario's traffic driver. */
  driver?: DriverName;
  /** The k6 executable, when a scenario is driven by k6. */
  k6Path?: string;
  /** Cluster options for platforms that take them (kind). */
  platformOptions?: PlatformOptions;
  /** Makes each scenario's platform (default: the registry's); tests wrap it to inject failures. */
  createPlatform?: ScenarioEnv['createPlatform'];
  /** How long each scenario's teardown may take (default 60 s). */
  teardownMs?: number;
}

/** A run id that sorts by time: 20261127-193012-ab12. */
export function makeRunId(now: Date, suffix: string): string {
  const iso = now.toISOString().replace(/[-:]/g, '').replace('T', '-');
  return `${iso.slice(0, 15)}-${suffix}`;
}

/** Rehearses scenarios, `parallel` at a time (default one after another), and writes the run's reports in file order. */
export async function runSuite(
  scenarios: LoadedScenario[],
  opts: SuiteOptions,
): Promise<{ report: RunReport; dir: string; written: ReportOutcome }> {
  const startedAt = new Date(opts.clock.now());
  const runId = opts.runId ?? makeRunId(startedAt, Math.random().toString(16).slice(2, 6));
  const dir = join(opts.reportsDir, runId);
  mkdirSync(dir, { recursive: true });
  const slots: (ScenarioReport | undefined)[] = new Array(scenarios.length);
  let next = 0;
  // A scenario that throws (a platform that turned out unavailable) stops the others, which tear down before it propagates.
  const stopAll = new AbortController();
  const signal = AbortSignal.any([opts.signal, stopAll.signal]);
  const worker = async () => {
    while (!signal.aborted && next < scenarios.length) {
      const i = next++;
      const loaded = scenarios[i]!;
      opts.onScenarioStart?.(loaded, i, scenarios.length);
      slots[i] = withBudget(await rehearse(loaded), loaded.scenario.slo);
      opts.onScenarioEnd?.(slots[i]!);
    }
  };
  const rehearse = (loaded: LoadedScenario) =>
    rehearseScenario(loaded, {
      runId,
      runDir: dir,
      platform: opts.platform,
      clock: opts.clock,
      log: opts.log,
      signal,
      ...(opts.onEvent ? { onEvent: opts.onEvent } : {}),
      ...(opts.onRecord ? { onRecord: opts.onRecord } : {}),
      ...(opts.driver ? { driver: opts.driver } : {}),
      ...(opts.k6Path ? { k6Path: opts.k6Path } : {}),
      ...(opts.platformOptions ? { platformOptions: opts.platformOptions } : {}),
      ...(opts.createPlatform ? { createPlatform: opts.createPlatform } : {}),
      ...(opts.teardownMs ? { teardownMs: opts.teardownMs } : {}),
    });
  const width = Math.max(1, Math.min(opts.parallel ?? 1, scenarios.length));
  const ran = await Promise.allSettled(
    Array.from({ length: width }, () =>
      worker().catch((error: unknown) => {
        stopAll.abort(error);
        throw error;
      }),
    ),
  );
  const failed = ran.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  const results = slots.filter((r): r is ScenarioReport => r !== undefined);
  const report: RunReport = {
    schemaVersion: 1,
    runId,
    startedAt: startedAt.toISOString(),
    finishedAt: new Date(opts.clock.now()).toISOString(),
    platform: opts.platform,
    tool: { name: 'rehearsal', version: opts.toolVersion, node: opts.nodeVersion },
    interrupted: opts.signal.aborted,
    ...(opts.signal.aborted ? { interruptedBy: reasonOf(opts.signal.reason) } : {}),
    ...(results.length < scenarios.length
      ? { notRun: scenarios.filter((_, i) => slots[i] === undefined).map((s) => s.scenario.name) }
      : {}),
    scenarios: results,
    summary: {
      total: results.length,
      passed: results.filter((r) => r.status === 'passed').length,
      failed: results.filter((r) => r.status === 'failure').length,
      errors: results.filter((r) => r.status === 'error').length,
      interrupted: results.filter((r) => r.status === 'interrupted').length,
    },
  };
  const written = await writeReports(opts.reporters ?? defaultReporters(), report, dir);
  return { report, dir, written };
}
