import type { Logger } from '../util/logger.js';

/** Options parsed from the command line (node:util parseArgs values). */
export type Flags = Record<string, string | boolean | string[] | boolean[] | undefined>;

/** What a command is given: its arguments and the outside world. */
export interface CommandContext {
  args: string[];
  flags: Flags;
  cwd: string;
  env: NodeJS.ProcessEnv;
  out(line: string): void;
  err(line: string): void;
  /** Shows a status line rewritten in place below the output (empty text: none); absent when not a terminal. */
  status?(text: string): void;
  /** Width of the terminal in columns, when stdout is one. */
  columns?: number;
  log: Logger;
  /** Aborts on the first SIGINT/SIGTERM. */
  signal: AbortSignal;
  /** Whether stdout is a TTY. */
  tty: boolean;
}

/** An option a command accepts, as node:util parseArgs describes it. */
export interface OptionSpec {
  type: 'string' | 'boolean';
  multiple?: boolean;
  short?: string;
  description: string;
}

/** One `rehearse` sub-command. */
export interface Command {
  name: string;
  /** One line for `rehearse --help`. */
  summary: string;
  /** Usage line, e.g. `rehearse run [files|dirs] [--platform NAME]`. */
  usage: string;
  options: Record<string, OptionSpec>;
  /** Runs the command; resolves to the exit code. */
  run(ctx: CommandContext): Promise<number>;
}
