#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { RealClock } from './clock/real-clock.js';
import { runSuite } from './engine/run-suite.js';
import { platformNames, createPlatform } from './platform/index.js';
import { killAllTracked } from './platform/local/child-registry.js';
import { palette, scenarioLine, summaryTable } from './report/terminal.js';
import { type LoadedScenario, loadScenarios } from './scenario/load.js';
import { describePlan } from './scenario/plan.js';
import { ExitCode, RehearsalError, ScenarioError, messageOf } from './util/errors.js';
import { streamLogger } from './util/logger.js';
import { packageRoot, paths } from './util/paths.js';

const USAGE = `rehearse — release rehearsals for the judge service

usage:
  rehearse run [files|dirs] [--platform local] [--tag T] [--reports DIR] [--verbose]
  rehearse validate [files|dirs]     check scenarios, start nothing
  rehearse plan [files|dirs]         print what a run would do, start nothing
  rehearse doctor                    what each platform needs and whether it is here

With no files, run/validate/plan use scenarios/ (run: only scenarios tagged "default").
Exit codes: 0 all expectations held; 1 a rehearsal failed; 2 invalid scenario; 3 platform unavailable; 4 interrupted.`;

const out = (s: string) => process.stdout.write(`${s}\n`);
const err = (s: string) => process.stderr.write(`${s}\n`);

function toolVersion(): string {
  return (JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as { version: string }).version;
}

function selectScenarios(targets: string[], tags: string[] | undefined, defaultTag: string | undefined): LoadedScenario[] {
  const loaded = loadScenarios(targets.length > 0 ? targets : [paths.scenarios], process.cwd());
  const wanted = tags ?? (targets.length === 0 && defaultTag ? [defaultTag] : undefined);
  if (!wanted) return loaded;
  const picked = loaded.filter((l) => wanted.some((t) => l.scenario.tags.includes(t) || l.scenario.strategy.type === t || l.scenario.faults.some((f) => f.type === t)));
  if (picked.length === 0) throw new ScenarioError([`no scenario matches ${wanted.join(', ')}; tags in use: ${[...new Set(loaded.flatMap((l) => l.scenario.tags))].join(', ') || 'none'}`]);
  return picked;
}

async function run(targets: string[], flags: Record<string, unknown>): Promise<number> {
  const platform = String(flags.platform ?? 'local');
  if (!(platformNames as string[]).includes(platform)) {
    throw new RehearsalError(`unknown platform "${platform}"`, `use one of: ${platformNames.join(', ')}`, ExitCode.invalidScenario);
  }
  const scenarios = selectScenarios(targets, flags.tag as string[] | undefined, 'default');
  const probe = await createPlatform(platform).probe();
  if (!probe.available) throw new RehearsalError(`platform ${platform} unavailable: ${probe.detail}`, probe.hint ?? '`rehearse doctor` shows what is missing', ExitCode.platformUnavailable);
  const color = process.stdout.isTTY && !process.env.NO_COLOR && !process.env.CI;
  const p = palette(Boolean(color));
  const log = streamLogger(err, Boolean(flags.verbose));
  const abort = new AbortController();
  let interrupts = 0;
  const onSignal = (sig: string) => {
    interrupts++;
    if (interrupts === 1) {
      err(`\n${sig}: stopping the rehearsal and cleaning up (again to force)…`);
      abort.abort(new RehearsalError('interrupted', 'run it again', ExitCode.interrupted));
    } else {
      killAllTracked();
      process.exit(ExitCode.interrupted);
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const shown = new Set(['deploy', 'weights', 'first-failure', 'decision', 'all-traffic-on-stable', 'promoted', 'paused', 'fault-injected', 'fault-verified', 'error']);
  const { report, dir, written } = await runSuite(scenarios, {
    platform,
    reportsDir: resolve(String(flags.reports ?? paths.reports)),
    clock: new RealClock(),
    log,
    signal: abort.signal,
    toolVersion: toolVersion(),
    nodeVersion: process.version,
    onScenarioStart: (s, i, n) => out(`[${i + 1}/${n}] ${s.scenario.name} (${s.file}): ${s.scenario.strategy.type}, ${s.scenario.traffic.duration / 1000}s of traffic`),
    onEvent: (name, e) => {
      if (shown.has(e.type)) out(p.dim(`  ${(e.at / 1000).toFixed(1).padStart(6)}s ${e.type.padEnd(22)} ${e.message}`));
    },
    onScenarioEnd: (r) => out(scenarioLine(r, p)),
  });
  out('');
  out(summaryTable(report, p));
  out(`\nreports: ${dir}`);
  for (const f of written.failures) err(`warning: reporter ${f.reporter} failed: ${f.error}`);
  if (report.interrupted) return ExitCode.interrupted;
  return report.summary.failed + report.summary.errors === 0 ? ExitCode.ok : ExitCode.rehearsalFailed;
}

async function doctor(): Promise<number> {
  let ok = true;
  for (const name of platformNames) {
    const probe = await createPlatform(name).probe();
    ok &&= name !== 'local' || probe.available;
    out(`${probe.available ? 'ok ' : 'no '} ${name.padEnd(7)} ${probe.detail}${probe.hint ? ` — ${probe.hint}` : ''}`);
  }
  return ok ? ExitCode.ok : ExitCode.platformUnavailable;
}

async function main(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      platform: { type: 'string' },
      tag: { type: 'string', multiple: true },
      reports: { type: 'string' },
      verbose: { type: 'boolean', short: 'v' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [command, ...targets] = positionals;
  if (values.help || !command) {
    out(USAGE);
    return command || values.help ? ExitCode.ok : ExitCode.invalidScenario;
  }
  switch (command) {
    case 'run':
      return run(targets, values);
    case 'validate': {
      const loaded = loadScenarios(targets.length ? targets : [paths.scenarios], process.cwd());
      for (const l of loaded) out(`ok ${l.file}: ${l.scenario.name}`);
      out(`${loaded.length} scenario(s) valid`);
      return ExitCode.ok;
    }
    case 'plan': {
      const loaded = selectScenarios(targets, values.tag, undefined);
      for (const l of loaded) out(`${describePlan(l.scenario, values.platform ?? 'local').join('\n')}\n`);
      return ExitCode.ok;
    }
    case 'doctor':
      return doctor();
    default:
      throw new RehearsalError(`unknown command "${command}"`, 'commands: run, validate, plan, doctor (rehearse --help)', ExitCode.invalidScenario);
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof ScenarioError) {
      for (const p of error.problems) err(p);
      err(`${error.problems.length} problem(s); nothing was started`);
    } else if (error instanceof RehearsalError) {
      err(`error: ${error.message}\nhint: ${error.hint}`);
    } else if (error instanceof Error && error.name === 'TypeError' && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS')) {
      err(`error: ${error.message}\nhint: rehearse --help`);
      process.exitCode = ExitCode.invalidScenario;
      return;
    } else {
      err(`internal error: ${messageOf(error)}`);
      if (error instanceof Error && error.stack) err(error.stack);
    }
    killAllTracked();
    process.exitCode = error instanceof RehearsalError ? error.exitCode : ExitCode.rehearsalFailed;
  },
);
