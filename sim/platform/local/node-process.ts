import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { killGroup, track } from '../../util/child-registry.js';
import { RehearsalError } from '../../util/errors.js';

/** A node program started in its own process group that announced `{"msg":"listening",...}` on stdout. */
export interface NodeProcess {
  child: ChildProcess;
  /** The JSON object of the listening line. */
  listening: Record<string, unknown>;
  /** Resolves when the process has exited. */
  exited: Promise<number | null>;
}

/** Options for {@link startNodeProcess}. */
export interface StartOptions {
  script: string;
  args: string[];
  logFile: string;
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
  label: string;
  /** Aborting it during start-up kills the process and rejects. */
  signal?: AbortSignal;
}

/**
 * Starts `node script args…` detached (its own process group), with a stdin pipe that the child
 * watches (`--exit-on-stdin-close`), logs to `logFile`, and waits for its listening line.
 */
export async function startNodeProcess(opts: StartOptions): Promise<NodeProcess> {
  const child = spawn(process.execPath, [opts.script, ...opts.args, '--exit-on-stdin-close'], {
    detached: true,
    stdio: ['pipe', 'pipe', 'pipe'],
    env: opts.env ?? process.env,
  });
  track(child);
  const log = createWriteStream(opts.logFile, { flags: 'a' });
  log.on('error', () => undefined);
  child.stderr!.pipe(log, { end: false });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const lines = createInterface({ input: child.stdout! });
  const tail: string[] = [];
  let started = false;
  const listening = await new Promise<Record<string, unknown>>((resolve, reject) => {
    const timer = setTimeout(
      () => fail(`did not start within ${opts.timeoutMs ?? 15_000} ms`),
      opts.timeoutMs ?? 15_000,
    );
    // Rejects only once the process is gone, so that a failed start leaves nothing behind when its error arrives.
    const fail = (why: string, spawned = true) => {
      if (started) return;
      started = true;
      clearTimeout(timer);
      if (child.pid !== undefined) killGroup(child.pid);
      const error = new RehearsalError(
        `${opts.label} ${why}`,
        `see its log ${opts.logFile}; last output: ${tail.slice(-5).join(' | ') || '(none)'}`,
      );
      if (spawned) exited.then(() => reject(error));
      else reject(error);
    };
    const onAbort = () => fail('start-up aborted');
    if (opts.signal?.aborted) onAbort();
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    exited.finally(() => opts.signal?.removeEventListener('abort', onAbort));
    child.once('error', (e) => fail(`could not be started: ${e.message}`, false));
    child.once('exit', (code, signal) => fail(`exited during start-up (code ${code}, signal ${signal})`));
    lines.on('line', (line) => {
      // stdout can still hold lines after the process exited and the log was closed.
      if (!log.writableEnded) log.write(`${line}\n`);
      tail.push(line);
      if (tail.length > 20) tail.shift();
      if (!line.includes('"listening"')) return;
      try {
        const parsed = JSON.parse(line) as Record<string, unknown>;
        if (parsed.msg !== 'listening') return;
        if (started) return;
        started = true;
        clearTimeout(timer);
        opts.signal?.removeEventListener('abort', onAbort);
        resolve(parsed);
      } catch {
        // a log line that merely mentions "listening"
      }
    });
  });
  exited.finally(() => log.end());
  return { child, listening, exited };
}

/** SIGTERM, then SIGKILL to the whole group after `graceMs` (at once when the leader already exited). */
export async function stopNodeProcess(proc: NodeProcess, graceMs = 3000): Promise<void> {
  const pid = proc.child.pid;
  if (pid === undefined) return;
  if (proc.child.exitCode !== null || proc.child.signalCode !== null) {
    // The leader is gone, but what it started may still run in its group.
    killGroup(pid);
    return;
  }
  proc.child.kill('SIGTERM');
  const timer = setTimeout(() => killGroup(pid), graceMs);
  await proc.exited;
  clearTimeout(timer);
  killGroup(pid);
}

/** Options for {@link startCommand}. */
export interface CommandOptions {
  argv: string[];
  logFile: string;
  env: NodeJS.ProcessEnv;
  label: string;
}

/**
 * Starts `argv` (no shell) detached in its own process group, stdout and stderr to `logFile`, stdin a pipe that
 * closes when the harness dies; resolves once it was spawned (readiness is the caller's), rejects with the
 * log's last lines when it cannot be spawned at all (no such program).
 */
export async function startCommand(opts: CommandOptions): Promise<NodeProcess> {
  const child = spawn(opts.argv[0]!, opts.argv.slice(1), {
    detached: true,
    stdio: ['pipe', 'pipe', 'pipe'],
    env: opts.env,
  });
  const log = createWriteStream(opts.logFile, { flags: 'a' });
  log.on('error', () => undefined);
  child.stdout!.pipe(log, { end: false });
  child.stderr!.pipe(log, { end: false });
  // An error event (ENOENT) comes instead of 'spawn' and no exit follows; both settle `exited`.
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.once('error', () => resolve(null));
  });
  exited.finally(() => log.end());
  await new Promise<void>((resolve, reject) => {
    child.once('spawn', () => {
      track(child);
      resolve();
    });
    child.once('error', (e) =>
      reject(
        new RehearsalError(
          `${opts.label} could not be started: ${e.message}`,
          `check that ${opts.argv[0]} exists and is executable (the command runs without a shell, PATH is searched)`,
        ),
      ),
    );
  });
  return { child, listening: {}, exited };
}
