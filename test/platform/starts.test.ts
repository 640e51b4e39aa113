import { describe, expect, it } from 'vitest';
import { Starts, startAll, thenOrUndo } from '../../sim/platform/starts.js';

const later = <T>(ms: number, value: T, fail = false) =>
  new Promise<T>((resolve, reject) =>
    setTimeout(() => (fail ? reject(new Error(String(value))) : resolve(value)), ms),
  );

describe('all-or-nothing starts', () => {
  it('startAll waits for every start, undoes the successes (even late ones) and rethrows the first failure', async () => {
    const undone: string[] = [];
    await expect(
      startAll(
        [
          () => later(5, 'a'),
          () => later(1, 'b broke', true),
          () => later(30, 'c'),
          () => later(2, 'd broke', true),
        ],
        async (s) => void undone.push(s),
      ),
    ).rejects.toThrow('b broke (and 1 more: d broke)');
    expect(undone.sort()).toEqual(['a', 'c']);
  });

  it('startAll returns every start in order when all succeed, undoing nothing', async () => {
    const undone: string[] = [];
    expect(
      await startAll([() => later(5, 'a'), () => later(1, 'b')], async (s) => void undone.push(s)),
    ).toEqual(['a', 'b']);
    expect(undone).toEqual([]);
  });

  it('thenOrUndo undoes the first step when the next fails, and the error is the next step’s', async () => {
    const undone: string[] = [];
    await expect(
      thenOrUndo(
        () => later(1, 'container'),
        async () => {
          throw new Error('not ready');
        },
        async (c) => void undone.push(c),
      ),
    ).rejects.toThrow('not ready');
    expect(undone).toEqual(['container']);
  });

  it('Starts.close aborts the waits of starts in flight and resolves once they settled; later starts are refused', async () => {
    const starts = new Starts();
    let settled = false;
    const start = starts.track(
      new Promise<void>((_, reject) =>
        starts.signal.addEventListener('abort', () => setTimeout(() => reject(new Error('aborted')), 20)),
      ),
    );
    start.catch(() => (settled = true));
    await starts.close();
    await Promise.resolve();
    expect(settled).toBe(true);
    expect(() => starts.assertOpen('router')).toThrow('router: the platform is shutting down');
    expect(starts.with(new AbortController().signal).aborted).toBe(true);
  });
});
