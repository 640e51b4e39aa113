import { type ChildProcess, execFile, spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';

/** Tracks every process a benchmark starts so that all of them stop at the end, also on error. */
export class Processes {
  private readonly children: ChildProcess[] = [];
  private readonly afterStop: (() => Promise<void>)[] = [];

  /** Registers clean-up (e.g. removing a temp dir) to run once every child has stopped. */
  atStop(cleanup: () => Promise<void>): void {
    this.afterStop.push(cleanup);
  }

  /** Starts a child with piped stdio; its stdin stays open so children that watch it exit with us. */
  start(command: string, args: string[], env?: NodeJS.ProcessEnv): ChildProcess {
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'], env: env ?? process.env });
    child.on('error', () => undefined);
    this.children.push(child);
    return child;
  }

  /** SIGTERM to every live child, SIGKILL after 2 s for those still running. */
  async stopAll(): Promise<void> {
    const live = this.children.filter(
      (c) => c.exitCode === null && c.signalCode === null && c.pid !== undefined,
    );
    await Promise.all(
      live.map(
        (child) =>
          new Promise<void>((resolve) => {
            const force = setTimeout(() => child.kill('SIGKILL'), 2_000);
            child.once('exit', () => {
              clearTimeout(force);
              resolve();
            });
            child.stdin?.end();
            child.kill('SIGTERM');
          }),
      ),
    );
    this.children.length = 0;
    for (const cleanup of this.afterStop.splice(0)) await cleanup().catch(() => undefined);
  }
}

/** Waits for the child's first stdout line that parses as JSON. */
export function firstJsonLine(
  child: ChildProcess,
  what: string,
  timeoutMs = 10_000,
): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    let buffer = '';
    let stderr = '';
    const timer = setTimeout(
      () => reject(new Error(`${what} printed no listening line within ${timeoutMs} ms: ${stderr}`)),
      timeoutMs,
    );
    child.stderr?.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.once('exit', (code) =>
      reject(new Error(`${what} exited with code ${code} before listening: ${stderr.trim()}`)),
    );
    child.stdout?.on('data', (d: Buffer) => {
      buffer += d.toString();
      for (const line of buffer.split('\n')) {
        try {
          const parsed = JSON.parse(line) as Record<string, unknown>;
          clearTimeout(timer);
          resolve(parsed);
          return;
        } catch {}
      }
    });
  });
}

export { freePort } from '../sim/util/free-port.js';

/** Resolves once something accepts TCP connections on the port. */
export async function waitForPort(port: number, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.destroy();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`nothing listens on 127.0.0.1:${port} after ${timeoutMs} ms`);
}

/** True when `command` runs (probe with harmless arguments). */
export function hasCommand(command: string, args: string[]): boolean {
  const probe = spawnSync(command, args, { stdio: 'ignore' });
  return probe.error === undefined;
}

/** Closed-loop saturation with wrk; returns requests per second and the error count. */
export function runWrk(
  url: string,
  seconds: number,
  connections: number,
): Promise<{ rps: number; errors: number }> {
  const args = ['-t1', `-c${connections}`, `-d${seconds}s`, url];
  return new Promise((resolve, reject) => {
    execFile('wrk', args, { timeout: (seconds + 15) * 1000 }, (err, stdout, stderr) => {
      if (err)
        return reject(new Error(`wrk ${args.join(' ')} failed: ${stderr || err.message}`, { cause: err }));
      const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(stdout)?.[1]);
      const non2xx = Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(stdout)?.[1] ?? 0);
      const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(stdout);
      const socketErrors = socket ? socket.slice(1).reduce((s, n) => s + Number(n), 0) : 0;
      if (!Number.isFinite(rps))
        return reject(new Error(`cannot read Requests/sec from wrk output:\n${stdout}`));
      resolve({ rps, errors: non2xx + socketErrors });
    });
  });
}

/** CPU seconds (user + system) used so far by `pid` and its direct children, from /proc; 0 where unreadable. */
export function cpuSeconds(pid: number): number {
  const ticks = (p: number | string): number => {
    try {
      const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return Number(fields[11]) + Number(fields[12]);
    } catch {
      return 0;
    }
  };
  let total = ticks(pid);
  try {
    for (const child of readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/)) {
      if (child !== '') total += ticks(child);
    }
  } catch {}
  return total / CLOCK_TICKS;
}

// USER_HZ is 100 on every Linux architecture Node supports.
const CLOCK_TICKS = 100;
