import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The compiled CLI (the suite's pretest builds it). */
export const cliPath = join(import.meta.dirname, '../../dist/sim/cli.js');

/** A running `rehearse` process with its output collected. */
export interface CliRun {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exit: Promise<number | null>;
}

/** Starts the real CLI; `tag` lands in the environment of everything it starts, so leftovers can be found. */
export function startCli(args: string[], opts: { tag?: string; cwd?: string } = {}): CliRun {
  const child = spawn(process.execPath, [cliPath, ...args], {
    cwd: opts.cwd ?? join(import.meta.dirname, '../..'),
    env: { ...process.env, CI: 'true', NO_COLOR: '1', ...(opts.tag ? { REHEARSAL_TEST_TAG: opts.tag } : {}) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => {
    out += d.toString();
  });
  child.stderr!.on('data', (d: Buffer) => {
    err += d.toString();
  });
  const exit = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return { child, stdout: () => out, stderr: () => err, exit };
}

/** Runs the CLI to completion. */
export async function runCli(
  args: string[],
  opts: { tag?: string; cwd?: string } = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const run = startCli(args, opts);
  const code = await run.exit;
  return { code, stdout: run.stdout(), stderr: run.stderr() };
}

/** Pids of live processes whose environment carries `REHEARSAL_TEST_TAG=<tag>`. */
export function processesTagged(tag: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const environ = readFileSync(`/proc/${entry}/environ`, 'latin1');
      const stat = readFileSync(`/proc/${entry}/stat`, 'latin1');
      const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
      if (state !== 'Z' && environ.split('\0').includes(`REHEARSAL_TEST_TAG=${tag}`))
        found.push(Number(entry));
    } catch {
      // gone, or not ours to read
    }
  }
  return found;
}
