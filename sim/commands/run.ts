import { basename, resolve } from 'node:path';
import { RealClock } from '../clock/real-clock.js';
import { runSuite } from '../engine/run-suite.js';
import { createPlatform, platformNames } from '../platform/index.js';
import { LiveProgress, ProgressPrinter } from '../report/progress.js';
import { palette, scenarioLine, summaryTable, terminalMode } from '../report/terminal.js';
import { type DriverName, driverNames } from '../traffic/driver.js';
import { probeK6, requireK6 } from '../traffic/k6/runner.js';
import { ExitCode, RehearsalError } from '../util/errors.js';
import { paths } from '../util/paths.js';
import type { Command } from './command.js';
import { selectScenarios } from './select.js';

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
  usage: 'rehearse run [files|dirs] [--platform local] [--tag T] [--reports DIR] [--driver builtin|k6]',
  options: {
    platform: { type: 'string', description: `where to run: ${platformNames.join(', ')} (default local)` },
    tag: {
      type: 'string',
      multiple: true,
      description: 'only scenarios with this tag, strategy or fault type',
    },
    reports: { type: 'string', description: 'folder for reports (default reports/)' },
    driver: { type: 'string', description: `who sends the traffic: ${driverNames.join(', ')} (default: each scenario's traffic.driver)` },
  },
  async run(ctx) {
    const platform = String(ctx.flags.platform ?? 'local');
    if (!(platformNames as string[]).includes(platform)) {
      throw new RehearsalError(
        `unknown platform "${platform}"`,
        `use one of: ${platformNames.join(', ')}`,
        ExitCode.invalidScenario,
      );
    }
    const driver = ctx.flags.driver === undefined ? undefined : String(ctx.flags.driver);
    if (driver !== undefined && !(driverNames as readonly string[]).includes(driver)) {
      throw new RehearsalError(`unknown traffic driver "${driver}"`, `use one of: ${driverNames.join(', ')}`, ExitCode.invalidScenario);
    }
    const scenarios = selectScenarios(ctx.args, ctx.cwd, ctx.flags.tag as string[] | undefined, 'default');
    const needsK6 = scenarios.some((s) => (driver ?? s.scenario.traffic.driver) === 'k6');
    const k6Path = needsK6 ? requireK6(await probeK6(ctx.env.PATH)) : undefined;
    const probe = await createPlatform(platform).probe();
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
    const { report, dir, written } = await runSuite(scenarios, {
      platform,
      ...(driver ? { driver: driver as DriverName } : {}),
      ...(k6Path ? { k6Path } : {}),
      reportsDir: resolve(ctx.cwd, String(ctx.flags.reports ?? paths.reports)),
      clock: new RealClock(),
      log: ctx.log,
      signal: ctx.signal,
      toolVersion: paths.version,
      nodeVersion: process.version,
      onScenarioStart: (s, i, n) => {
        ctx.out(
          `[${i + 1}/${n}] ${s.scenario.name} (${s.file}): ${s.scenario.strategy.type}, up to ${s.scenario.traffic.duration / 1000}s of traffic`,
        );
        progress.start(new LiveProgress(s.scenario.name, s.scenario.traffic.duration));
      },
      onEvent: (_name, e) =>
        progress.event(
          e,
          SHOWN.has(e.type)
            ? p.dim(`  ${(e.at / 1000).toFixed(1).padStart(6)}s ${e.type.padEnd(22)} ${e.message}`)
            : undefined,
        ),
      onRecord: (_name, r) => progress.record(r),
      onScenarioEnd: (r) => {
        progress.end();
        ctx.out(scenarioLine(r, p));
      },
    });
    progress.end();
    ctx.out('');
    ctx.out(summaryTable(report, p));
    ctx.out(`\nreports: ${dir} (${written.files.map((f) => basename(f)).join(', ')})`);
    for (const f of written.failures) ctx.err(`warning: reporter ${f.reporter} failed: ${f.error}`);
    if (report.interrupted) return ExitCode.interrupted;
    return report.summary.failed + report.summary.errors === 0 ? ExitCode.ok : ExitCode.rehearsalFailed;
  },
};
