#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { type Command, commands } from './commands/index.js';
import { killAllTracked } from './platform/local/child-registry.js';
import { OutputWriter } from './report/output-writer.js';
import { ExitCode, messageOf, RehearsalError, ScenarioError } from './util/errors.js';
import { streamLogger } from './util/logger.js';
import { paths } from './util/paths.js';

// Every line goes through one writer: it keeps the live status line apart and survives a closed pipe.
const writer = new OutputWriter(process.stdout, process.stderr, Boolean(process.stdout.isTTY));
const out = (s: string) => writer.out(s);
const err = (s: string) => writer.err(s);

function usage(): string {
  const list = Object.values(commands as Record<string, Command>)
    .map((c) => `  ${c.usage}\n      ${c.summary}`)
    .join('\n');
  return `rehearse ${paths.version} — release rehearsals for the judge service\n\nusage:\n${list}\n\nCommon options: --verbose (-v), --help (-h), --version (-V)\nExit codes: 0 all expectations held; 1 a rehearsal failed; 2 invalid scenario or usage; 3 platform unavailable; 4 interrupted.`;
}

/** Installs SIGINT/SIGTERM handling: the first signal aborts gracefully, the second kills everything. */
function interrupts(): AbortSignal {
  const abort = new AbortController();
  let count = 0;
  const onSignal = (sig: string) => {
    count++;
    if (count === 1) {
      err(`\n${sig}: stopping and cleaning up (again to force)…`);
      abort.abort(new RehearsalError(`interrupted by ${sig}`, 'run it again', ExitCode.interrupted));
    } else {
      killAllTracked();
      process.exit(ExitCode.interrupted);
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return abort.signal;
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
  return command.run({
    args: positionals,
    flags: values,
    cwd: process.cwd(),
    env: process.env,
    out,
    err,
    log: streamLogger((line) => err(line.replace(/\n$/, '')), Boolean(values.verbose)),
    signal: interrupts(),
    tty: Boolean(process.stdout.isTTY),
    ...(writer.tty
      ? { status: (text: string) => writer.setStatus(text), columns: process.stdout.columns }
      : {}),
  });
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
);
