import type { ChildProcess } from 'node:child_process';

// The process reaper: the children the harness starts (the local platform's instances and router, the k6 binary)
// are tracked here, whichever part of the harness started them, so that none outlives this process.

const groups = new Set<number>();
let hooked = false;

/** Kills the process group of `pid` (ours are started detached, so the group holds the sandbox workers too). */
export function killGroup(pid: number, signal: NodeJS.Signals = 'SIGKILL'): void {
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
  }
}

/** Remembers a child so that it is killed if this process exits without cleaning up. */
export function track(child: ChildProcess): void {
  if (child.pid === undefined) return;
  const pid = child.pid;
  groups.add(pid);
  child.once('exit', () => groups.delete(pid));
  if (!hooked) {
    hooked = true;
    // 'exit' handlers must be synchronous: process.kill is.
    process.once('exit', killAllTracked);
  }
}

/** Kills every tracked child group at once; the last line of defence on exit. */
export function killAllTracked(): void {
  for (const pid of groups) killGroup(pid);
  groups.clear();
}

/** Pids of the children still tracked (for tests and `rehearse doctor`). */
export function trackedPids(): number[] {
  return [...groups];
}
