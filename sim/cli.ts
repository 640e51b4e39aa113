#!/usr/bin/env node
// Only light modules load before the signal handlers are in place: the commands are imported after them, so that a
// Ctrl-C while they load (the first few hundred ms) is an interruption (exit 4), not Node's default death (130).
import { parseArgs } from 'node:util';
import type { Command } from './commands/command.js';
import { OutputWriter } from './report/output-writer.js';
import { killAllTracked, trackedPids } from './util/child-registry.js';
import { ExitCode, messageOf, RehearsalError, ScenarioError } from './util/errors.js';
import { streamLogger } from './util/logger.js';
import { paths } from './util/paths.js';

// Every line goes through one writer: it keeps the live status line apart and survives a closed pipe.
const writer = new OutputWriter(process.stdout, process.stderr, Boolean(process.stdout.isTTY));
const out = (s: string) => writer.out(s);
const err = (s: string) => writer.err(s);

/** How long the graceful stop after the first Ctrl-C may take before everything is killed. */
const GRACEFUL_STOP_MS = 20_000;
/** How long the process may linger after its command finished before it is made to exit. */
const LINGER_MS = 3000;

let loaded = false;
let finished = false;
const interrupt = interrupts();
const { commands } = await import('./commands/index.js');
loaded = true;

function usage(): string {
  const list = Object.values(commands as Record<string, Command>)
    .map((c) => `  ${c.usage}\n      ${c.summary}`)
    .join('\n');
  return `rehearse ${paths.version} — release rehearsals for the judge service\n\nusage:\n${list}\n\nCommon options: --verbose (-v), --help (-h), --version (-V)\nExit codes: 0 all expectations held; 1 a rehearsal failed; 2 invalid scenario or usage; 3 platform unavailable; 4 interrupted.`;
}

/**
 * Installs SIGINT/SIGTERM handling: the first signal aborts gracefully (and kills everything if that takes longer
 * than {@link GRACEFUL_STOP_MS}), the second kills everything at once; after the command finished, any signal does.
 */
function interrupts(): AbortSignal {
  const abort = new AbortController();
  const force = (why: string, code: number) => {
    if (why) err(why);
    killAllTracked();
    process.exit(code);
  };
  const onSignal = (sig: string) => {
    if (finished) return force('', Number(process.exitCode ?? ExitCode.interrupted));
    if (!loaded) return force(`${sig}: interrupted before anything started`, ExitCode.interrupted);
    if (abort.signal.aborted) return force(`${sig}: killing everything now`, ExitCode.interrupted);
    err(`\n${sig}: stopping and cleaning up (again to force)…`);
    abort.abort(new RehearsalError(`interrupted by ${sig}`, 'run it again', ExitCode.interrupted));
    setTimeout(
      () =>
        force(`clean-up took over ${GRACEFUL_STOP_MS / 1000} s: killing everything`, ExitCode.interrupted),
      GRACEFUL_STOP_MS,
    ).unref();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return abort.signal;
}

/**
 * Once the command is done, nothing of ours should keep the process alive; if something does (a child that escaped
 * its teardown), it is killed and the process exits anyway, saying so, rather than hanging a CI job.
 */
function exitWhenDone(): void {
  finished = true;
  setTimeout(() => {
    const left = trackedPids();
    if (left.length > 0) err(`warning: ${left.length} child process(es) still running after the run: killed`);
    killAllTracked();
    process.exit();
  }, LINGER_MS).unref();
}

async function main(argv: string[]): Promise<number> {
  const name = argv.find((a) => !a.startsWith('-'));
  const command = name ? (commands as Record<string, Command>)[name] : undefined;
  if (!name && (argv.includes('--version') || argv.includes('-V'))) {
    out(paths.version);
    return ExitCode.ok;
  }
  if (!command) {
    if (name)
      throw new RehearsalError(
        `unknown command "${name}"`,
        `commands: ${Object.keys(commands).join(', ')} (rehearse --help)`,
        ExitCode.invalidScenario,
      );
    out(usage());
    return argv.includes('--help') || argv.includes('-h') ? ExitCode.ok : ExitCode.invalidScenario;
  }
  const { positionals, values } = parseArgs({
    args: argv.filter((_a, i) => i !== argv.indexOf(name!)),
    allowPositionals: true,
    options: {
      ...Object.fromEntries(
        Object.entries(command.options).map(([k, o]) => [
          k,
          { type: o.type, ...(o.multiple ? { multiple: true } : {}), ...(o.short ? { short: o.short } : {}) },
        ]),
      ),
      verbose: { type: 'boolean', short: 'v' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    out(`${command.usage}\n  ${command.summary}\n`);
    for (const [k, o] of Object.entries(command.options))
      out(`  --${k}${o.type === 'string' ? ' VALUE' : ''}  ${o.description}`);
    return ExitCode.ok;
  }
  if (interrupt.aborted) return ExitCode.interrupted;
  const code = await command.run({
    args: positionals,
    flags: values,
    cwd: process.cwd(),
    env: process.env,
    out,
    err,
    log: streamLogger((line) => err(line.replace(/\n$/, '')), Boolean(values.verbose)),
    signal: interrupt,
    tty: Boolean(process.stdout.isTTY),
    ...(writer.tty
      ? { status: (text: string) => writer.setStatus(text), columns: process.stdout.columns }
      : {}),
  });
  return interrupt.aborted ? ExitCode.interrupted : code;
}

main(process.argv.slice(2))
  .then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      if (error instanceof ScenarioError) {
        for (const p of error.problems) err(p);
        err(`${error.problems.length} problem(s); nothing was started`);
      } else if (error instanceof RehearsalError) {
        err(`error: ${error.message}\nhint: ${error.hint}`);
      } else if (
        error instanceof TypeError &&
        'code' in error &&
        String(error.code).startsWith('ERR_PARSE_ARGS')
      ) {
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
  )
  .finally(exitWhenDone);
