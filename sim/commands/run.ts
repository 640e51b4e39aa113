import { basename, resolve } from 'node:path';
import { RealClock } from '../clock/real-clock.js';
import { monitoringProblem } from '../engine/monitoring-source.js';
import { runSuite } from '../engine/run-suite.js';
import { findPrometheus, prometheusInstallHint } from '../monitor/prometheus-server.js';
import { createPlatform } from '../platform/index.js';
import { LiveProgress, ProgressPrinter } from '../report/progress.js';
import { palette, scenarioLine, summaryTable, terminalMode } from '../report/terminal.js';
import { probeK6, requireK6 } from '../traffic/k6/runner.js';
import { formatDuration, parseDuration } from '../util/duration.js';
import { ExitCode, RehearsalError } from '../util/errors.js';
import { seconds } from '../util/format.js';
import { paths } from '../util/paths.js';
import { clusterPlatforms, type PlatformOptions, platformNames } from '../vocabulary/platforms.js';
import { k6Judge0Refusal } from '../vocabulary/traffic-apis.js';
import { type DriverName, driverNames } from '../vocabulary/traffic-drivers.js';
import type { Command } from './command.js';
import { filterScenarios, selectScenarios } from './select.js';

const SHOWN = new Set([
  'deploy',
  'weights',
  'first-failure',
  'decision',
  'all-traffic-on-stable',
  'promoted',
  'paused',
  'fault-injected',
  'fault-verified',
  'error',
]);

/** `rehearse run`: rehearses scenarios on a platform and writes reports. */
export const runCommand: Command = {
  name: 'run',
  summary: 'rehearse scenarios and write reports/<run-id>/ (default: the scenarios tagged "default")',
  usage:
    'rehearse run [files|dirs] [--platform local] [--tag T] [--strategy S] [--fault F] [--parallel N] [--timeout 30m] [--reports DIR] [--driver builtin|k6] [--prometheus] [--cluster NAME] [--kubeconfig FILE] [--context NAME]',
  options: {
    platform: { type: 'string', description: `where to run: ${platformNames.join(', ')} (default local)` },
    tag: {
      type: 'string',
      multiple: true,
      description: 'only scenarios with this tag, strategy or fault type',
    },
    strategy: { type: 'string', multiple: true, description: 'only scenarios of this strategy type' },
    fault: {
      type: 'string',
      multiple: true,
      description: 'only scenarios injecting this fault kind (`none`: healthy releases)',
    },
    parallel: {
      type: 'string',
      description: 'scenarios rehearsed at once (default 1; each has its own processes)',
    },
    timeout: {
      type: 'string',
      description:
        'stop the whole run after this long (e.g. 30m): everything is torn down, finished scenarios are reported, exit 4',
    },
    reports: { type: 'string', description: 'folder for reports (default reports/)' },
    driver: {
      type: 'string',
      description: `who sends the traffic: ${driverNames.join(', ')} (default: each scenario's traffic.driver)`,
    },
    prometheus: {
      type: 'boolean',
      description:
        "the checks read a Prometheus the harness starts per scenario (monitoring.source prometheus); a scenario's monitoring.url is used as it is",
    },
    cluster: {
      type: 'string',
      description: 'kind: reuse this existing kind cluster instead of creating one per scenario',
    },
    kubeconfig: { type: 'string', description: 'kind: target the cluster of this kubeconfig file' },
    context: { type: 'string', description: 'kind: target this kubeconfig context' },
  },
  async run(ctx) {
    const platform = String(ctx.flags.platform ?? 'local');
    if (!(platformNames as readonly string[]).includes(platform)) {
      throw new RehearsalError(
        `unknown platform "${platform}"`,
        `use one of: ${platformNames.join(', ')}`,
        ExitCode.invalidScenario,
      );
    }
    const only = {
      strategies: ctx.flags.strategy as string[] | undefined,
      faults: ctx.flags.fault as string[] | undefined,
    };
    const filtered = Boolean(only.strategies?.length || only.faults?.length);
    const scenarios = filterScenarios(
      selectScenarios(
        ctx.args,
        ctx.cwd,
        ctx.flags.tag as string[] | undefined,
        filtered ? undefined : 'default',
      ),
      only,
    );
    const parallel = Number(ctx.flags.parallel ?? 1);
    if (!Number.isInteger(parallel) || parallel < 1 || parallel > 16) {
      throw new RehearsalError(
        `--parallel must be a whole number from 1 to 16, got ${String(ctx.flags.parallel)}`,
        'each parallel scenario runs its own processes; 2 suits a 2-core machine',
        ExitCode.invalidScenario,
      );
    }
    const timeoutMs = runTimeout(ctx.flags.timeout);
    const platformOptions = clusterOptions(ctx.flags, platform);
    const driver = ctx.flags.driver === undefined ? undefined : String(ctx.flags.driver);
    if (driver !== undefined && !(driverNames as readonly string[]).includes(driver)) {
      throw new RehearsalError(
        `unknown traffic driver "${driver}"`,
        `use one of: ${driverNames.join(', ')}`,
        ExitCode.invalidScenario,
      );
    }
    if (ctx.flags.prometheus === true) for (const s of scenarios) s.scenario.monitoring.source = 'prometheus';
    for (const s of scenarios) {
      const problem = monitoringProblem(s.scenario);
      if (problem)
        throw new RehearsalError(
          `${s.file}: ${problem}`,
          'see `rehearse list checks`',
          ExitCode.invalidScenario,
        );
    }
    const needsPrometheus = scenarios.some(
      (s) => s.scenario.monitoring.source === 'prometheus' && s.scenario.monitoring.url === undefined,
    );
    const prometheusPath = needsPrometheus ? findPrometheus(ctx.env.PATH) : undefined;
    if (needsPrometheus && !prometheusPath)
      throw new RehearsalError(
        'monitoring.source prometheus: no prometheus executable on PATH (nor in /usr/bin, /usr/local/bin)',
        prometheusInstallHint,
        ExitCode.platformUnavailable,
      );
    const judge0 = driver === 'k6' ? scenarios.find((s) => s.scenario.traffic.api === 'judge0') : undefined;
    if (judge0) {
      throw new RehearsalError(
        `${judge0.file}: traffic.api judge0 cannot be sent by k6 (--driver k6): ${k6Judge0Refusal}`,
        'run it without --driver k6',
        ExitCode.invalidScenario,
      );
    }
    const needsK6 = scenarios.some((s) => (driver ?? s.scenario.traffic.driver) === 'k6');
    const k6Path = needsK6 ? requireK6(await probeK6(ctx.env.PATH)) : undefined;
    const probe = await (await createPlatform(platform, platformOptions)).probe();
    if (!probe.available) {
      throw new RehearsalError(
        `platform ${platform} unavailable: ${probe.detail}`,
        probe.hint ?? '`rehearse doctor` shows what is missing',
        ExitCode.platformUnavailable,
      );
    }
    const mode = terminalMode(ctx.tty, ctx.env);
    const p = palette(mode.color);
    const progress = new ProgressPrinter(ctx, p, mode.live, 5000, ctx.columns ?? 120);
    const deadline = new AbortController();
    const timer =
      timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            ctx.err(
              `run timed out after ${formatDuration(timeoutMs)}: stopping the scenario in progress and tearing everything down`,
            );
            deadline.abort(
              new RehearsalError(
                `timed out after ${formatDuration(timeoutMs)} (--timeout)`,
                'raise --timeout or select fewer scenarios',
                ExitCode.interrupted,
              ),
            );
          }, timeoutMs);
    timer?.unref();
    const { report, dir, written } = await runSuite(scenarios, {
      platform,
      ...(driver ? { driver: driver as DriverName } : {}),
      ...(k6Path ? { k6Path } : {}),
      ...(prometheusPath ? { prometheusPath } : {}),
      platformOptions,
      reportsDir: resolve(ctx.cwd, String(ctx.flags.reports ?? paths.reports)),
      clock: new RealClock(),
      log: ctx.log,
      signal: AbortSignal.any([ctx.signal, deadline.signal]),
      toolVersion: paths.version,
      nodeVersion: process.version,
      parallel,
      onScenarioStart: (s, i, n) => {
        ctx.out(
          `[${i + 1}/${n}] ${s.scenario.name} (${s.file}): ${s.scenario.strategy.type}, up to ${s.scenario.traffic.duration / 1000}s of traffic`,
        );
        // One live progress line fits one scenario at a time.
        if (parallel === 1)
          progress.start(
            new LiveProgress(s.scenario.name, s.scenario.traffic.duration, 5000, s.scenario.traffic.settle),
          );
      },
      onEvent: (name, e) =>
        progress.event(
          e,
          SHOWN.has(e.type)
            ? p.dim(
                `  ${parallel > 1 ? `${name}: ` : ''}${seconds(e.at).padStart(6)}s ${e.type.padEnd(22)} ${e.message}`,
              )
            : undefined,
        ),
      onRecord: (_name, r) => {
        if (parallel === 1) progress.record(r);
      },
      onScenarioEnd: (r) => {
        if (parallel === 1) progress.end();
        ctx.out(scenarioLine(r, p));
      },
    });
    clearTimeout(timer);
    progress.end();
    ctx.out('');
    ctx.out(summaryTable(report, p));
    ctx.out(`\nreports: ${dir} (${written.files.map((f) => basename(f)).join(', ')})`);
    for (const f of written.failures) ctx.err(`warning: reporter ${f.reporter} failed: ${f.error}`);
    if (report.interrupted) return ExitCode.interrupted;
    return report.summary.failed + report.summary.errors === 0 ? ExitCode.ok : ExitCode.rehearsalFailed;
  },
};

/** `--timeout`: a duration from 1s to 24h, or undefined when not given. */
function runTimeout(flag: unknown): number | undefined {
  if (flag === undefined) return undefined;
  const ms = parseDuration(String(flag));
  if (ms === undefined || ms < 1000 || ms > 86_400_000) {
    throw new RehearsalError(
      `--timeout must be a duration from 1s to 24h like 90s, 30m or 2h, got ${String(flag)}`,
      'the whole run stops at the deadline; scenarios finished by then are reported',
      ExitCode.invalidScenario,
    );
  }
  return ms;
}

function clusterOptions(flags: Record<string, unknown>, platform: string): PlatformOptions {
  const options: PlatformOptions = {};
  for (const key of ['cluster', 'kubeconfig', 'context'] as const) {
    if (flags[key] === undefined) continue;
    if (!clusterPlatforms.includes(platform)) {
      throw new RehearsalError(
        `--${key} applies to --platform ${clusterPlatforms.join('|')} only`,
        `add --platform ${clusterPlatforms[0]}`,
        ExitCode.invalidScenario,
      );
    }
    options[key] = String(flags[key]);
  }
  return options;
}
