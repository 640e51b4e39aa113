import { processesTagged } from './cli.js';

/** Tags everything this test process starts from now on (children inherit the environment), for {@link leftovers}. */
export function tagChildren(name: string): string {
  const tag = `${name}-${process.pid}-${Math.random().toString(16).slice(2, 8)}`;
  process.env.REHEARSAL_TEST_TAG = tag;
  return tag;
}

/** Live processes carrying `tag` (the test process itself never does: /proc shows its environment at start). */
export function leftovers(tag: string): number[] {
  return processesTagged(tag).filter((pid) => pid !== process.pid);
}

/** Calls `onNew` for each pid that appears in `list()` from now on, as soon as it is seen; returns the stop function. */
export function watchNewPids(list: () => number[], onNew: (pid: number, index: number) => void): () => void {
  const seen = new Set(list());
  let index = 0;
  const timer = setInterval(() => {
    for (const pid of list()) {
      if (seen.has(pid)) continue;
      seen.add(pid);
      onNew(pid, index++);
    }
  }, 2);
  return () => clearInterval(timer);
}

/** The processes carrying `tag` once they are gone, or those still alive after `withinMs` (a SIGKILL takes a moment). */
export async function leftoversAfter(tag: string, withinMs = 1000): Promise<number[]> {
  const end = Date.now() + withinMs;
  for (;;) {
    const left = leftovers(tag);
    if (left.length === 0 || Date.now() > end) return left;
    await new Promise((r) => setTimeout(r, 20));
  }
}
