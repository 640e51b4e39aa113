import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  type PrometheusServer,
  prometheusInstallHint,
  startPrometheus,
} from '../monitor/prometheus-server.js';
import { externalVersions } from '../platform/external.js';
import { createPlatform } from '../platform/index.js';
import type { Platform } from '../platform/platform.js';
import type { LoadedScenario } from '../scenario/load.js';
import { installHint } from '../traffic/k6/runner.js';
import type { RequestRecord } from '../traffic/record.js';
import { ExitCode, messageOf, RehearsalError } from '../util/errors.js';
import type { PlatformOptions } from '../vocabulary/platforms.js';
import type { ScenarioReport } from '../vocabulary/report-model.js';
import type { TimelineEvent } from '../vocabulary/timeline.js';
import { k6Judge0Refusal } from '../vocabulary/traffic-apis.js';
import { reasonOf } from './interruption.js';
import { type LiveRigEnv, liveRig } from './live-rig.js';
import { rehearse } from './rehearsal.js';
import {
  errorReport,
  interruptedReport,
  scenarioReport,
  withPlatformInfo,
  withTeardownProblem,
} from './scenario-report.js';
import { tearDown } from './teardown.js';

/** What a scenario run needs from its caller. */
export interface ScenarioEnv extends Omit<LiveRigEnv, 'onRecord'> {
  runId: string;
  runDir: string;
  platform: string;
  signal: AbortSignal;
  onEvent?: (scenario: string, e: TimelineEvent) => void;
  onRecord?: (scenario: string, r: RequestRecord) => void;
  /** Cluster options (`--cluster`, `--kubeconfig`, `--context`) for platforms that take them. */
  platformOptions?: PlatformOptions;
  /** Makes the scenario's platform (default: the registry's {@link createPlatform}); tests wrap it to inject failures. */
  createPlatform?: (name: string, options?: PlatformOptions) => Promise<Platform>;
  /** How long tearing the platform down may take before the scenario gives up on it (default 60 s). */
  teardownMs?: number;
  /** The Prometheus executable, for scenarios whose monitoring.source is prometheus without a url. */
  prometheusPath?: string;
}

/** Rehearses one scenario end to end on a platform and judges it. Everything it started is stopped before it returns. */
export async function rehearseScenario(loaded: LoadedScenario, env: ScenarioEnv): Promise<ScenarioReport> {
  const { scenario } = loaded;
  const started = env.clock.now();
  const workdir = join(env.runDir, scenario.name);
  mkdirSync(workdir, { recursive: true });
  if ((env.driver ?? scenario.traffic.driver) === 'k6' && scenario.traffic.api === 'judge0') {
    throw new RehearsalError(
      `${scenario.name}: traffic.api judge0 cannot be sent by k6: ${k6Judge0Refusal}`,
      'run it without --driver k6',
      ExitCode.invalidScenario,
    );
  }
  if ((env.driver ?? scenario.traffic.driver) === 'k6' && !env.k6Path) {
    throw new RehearsalError(
      `${scenario.name}: traffic driver k6 unavailable: k6 not found on PATH`,
      installHint,
      ExitCode.platformUnavailable,
    );
  }
  const platform = await (env.createPlatform ?? createPlatform)(
    scenario.platform ?? env.platform,
    env.platformOptions,
  );
  let report: ScenarioReport;
  let prometheus: PrometheusServer | undefined;
  try {
    await platform.start({
      runId: env.runId,
      workdir,
      log: env.log,
      signal: env.signal,
      external: externalVersions(loaded),
    });
    const { monitoring } = scenario;
    if (monitoring.source === 'prometheus' && monitoring.url === undefined) {
      if (!env.prometheusPath)
        throw new RehearsalError(
          `${scenario.name}: monitoring.source prometheus needs a Prometheus: none found on PATH`,
          prometheusInstallHint,
          ExitCode.platformUnavailable,
        );
      prometheus = await startPrometheus({
        binary: env.prometheusPath,
        scrapeIntervalMs: monitoring.scrapeInterval,
      });
      env.log.debug(`${scenario.name}: Prometheus ${prometheus.url} (pid ${prometheus.pid})`);
    }
    const source =
      monitoring.source !== 'prometheus'
        ? undefined
        : prometheus
          ? { url: prometheus.url, targetsFile: prometheus.targetsFile }
          : { url: monitoring.url! };
    report = withPlatformInfo(await rehearseOn(loaded, env, platform, workdir, source), platform);
  } catch (error) {
    if (
      error instanceof RehearsalError &&
      error.exitCode === ExitCode.platformUnavailable &&
      !env.signal.aborted
    ) {
      await prometheus?.stop();
      await tearDown(platform, env.teardownMs).catch(() => undefined);
      throw error;
    }
    const failed = errorReport(loaded, error, env.clock.now() - started);
    if (env.signal.aborted) {
      report = interruptedReport(failed, reasonOf(env.signal.reason), {
        phase: 'start-up',
        afterMs: env.clock.now() - started,
      });
    } else {
      env.log.warn(`${scenario.name}: harness error: ${messageOf(error)}`);
      report = failed;
    }
    report = withPlatformInfo(report, platform);
  }
  await prometheus?.stop();
  // A teardown that fails or hangs is the harness's problem: it is reported, and the suite goes on.
  const problem = await tearDown(platform, env.teardownMs).then(
    () => undefined,
    (error: unknown) => messageOf(error),
  );
  if (problem !== undefined) env.log.warn(`${scenario.name}: teardown failed: ${problem}`);
  return problem === undefined ? report : withTeardownProblem(report, problem);
}

/** The one lifecycle on the live rig of a started platform, and its report. */
async function rehearseOn(
  loaded: LoadedScenario,
  env: ScenarioEnv,
  platform: Platform,
  workdir: string,
  prometheus: LiveRigEnv['prometheus'],
): Promise<ScenarioReport> {
  const { name } = loaded.scenario;
  const rig = await liveRig(loaded, platform, workdir, {
    clock: env.clock,
    log: env.log,
    onRecord: (r) => env.onRecord?.(name, r),
    ...(env.driver ? { driver: env.driver } : {}),
    ...(env.k6Path ? { k6Path: env.k6Path } : {}),
    ...(prometheus ? { prometheus } : {}),
  });
  const run = await rehearse(rig, {
    scenario: loaded.scenario,
    signal: env.signal,
    onEvent: (e) => env.onEvent?.(name, e),
  });
  const report = scenarioReport(loaded, run);
  const { distortion } = report.traffic;
  if (distortion && !run.interrupted) env.log.warn(`${name}: measured under distortion: ${distortion}`);
  return report;
}
