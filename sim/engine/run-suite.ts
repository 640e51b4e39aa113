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
import { runInTurn } from './suite-schedule.js';

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
  /** The Prometheus executable, when a scenario reads a Prometheus the harness starts. */
  prometheusPath?: string;
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

/** What every run's report states first: which run, when, where, with what, and whether (and why) it stopped early. */
export function runReportHead(run: {
  runId: string;
  startedAt: Date;
  finishedAt: Date;
  platform: string;
  tool: { version: string; node: string };
  /** The run's interruption (Ctrl-C, `--timeout`). */
  signal: AbortSignal;
  /** Scenarios selected but never started. */
  notRun: string[];
}): Omit<RunReport, 'scenarios' | 'summary'> {
  return {
    schemaVersion: 1,
    runId: run.runId,
    startedAt: run.startedAt.toISOString(),
    finishedAt: run.finishedAt.toISOString(),
    platform: run.platform,
    tool: { name: 'rehearsal', ...run.tool },
    interrupted: run.signal.aborted,
    ...(run.signal.aborted ? { interruptedBy: reasonOf(run.signal.reason) } : {}),
    ...(run.notRun.length > 0 ? { notRun: run.notRun } : {}),
  };
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
  const rehearse = (loaded: LoadedScenario, signal: AbortSignal) =>
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
      ...(opts.prometheusPath ? { prometheusPath: opts.prometheusPath } : {}),
      ...(opts.platformOptions ? { platformOptions: opts.platformOptions } : {}),
      ...(opts.createPlatform ? { createPlatform: opts.createPlatform } : {}),
      ...(opts.teardownMs ? { teardownMs: opts.teardownMs } : {}),
    });
  const { results, notRun } = await runInTurn(scenarios, {
    parallel: opts.parallel,
    signal: opts.signal,
    run: async (loaded, i, signal) => {
      opts.onScenarioStart?.(loaded, i, scenarios.length);
      const report = withBudget(await rehearse(loaded, signal), loaded.scenario.slo);
      opts.onScenarioEnd?.(report);
      return report;
    },
  });
  const report: RunReport = {
    ...runReportHead({
      runId,
      startedAt,
      finishedAt: new Date(opts.clock.now()),
      platform: opts.platform,
      tool: { version: opts.toolVersion, node: opts.nodeVersion },
      signal: opts.signal,
      notRun: notRun.map((s) => s.scenario.name),
    }),
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
