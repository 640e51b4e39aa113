import { describe, expect, it } from 'vitest';
import { runInTurn } from '../../sim/engine/suite-schedule.js';

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('runInTurn (the suite scheduler of run and simulate)', () => {
  it('keeps the items’ order in the results however they finish, with at most `parallel` at once', async () => {
    let running = 0;
    let most = 0;
    const { results, notRun } = await runInTurn([30, 5, 20, 1], {
      parallel: 2,
      signal: new AbortController().signal,
      run: async (ms, i) => {
        most = Math.max(most, ++running);
        await tick(ms);
        running--;
        return `#${i}`;
      },
    });
    expect(results).toEqual(['#0', '#1', '#2', '#3']);
    expect(notRun).toEqual([]);
    expect(most).toBe(2);
  });

  it('starts nothing once interrupted: the rest is returned as not run', async () => {
    const interrupt = new AbortController();
    const { results, notRun } = await runInTurn(['a', 'b', 'c'], {
      signal: interrupt.signal,
      run: async (item) => {
        if (item === 'b') interrupt.abort();
        return item;
      },
    });
    expect(results).toEqual(['a', 'b']);
    expect(notRun).toEqual(['c']);
  });

  it('an item that throws stops the others, which finish before the error propagates', async () => {
    const finished: string[] = [];
    await expect(
      runInTurn(['slow', 'bad', 'never'], {
        parallel: 2,
        signal: new AbortController().signal,
        run: async (item, _i, signal) => {
          if (item === 'bad') throw new Error('platform unavailable');
          await new Promise<void>((r) => signal.addEventListener('abort', () => r(), { once: true }));
          finished.push(item);
          return item;
        },
      }),
    ).rejects.toThrow('platform unavailable');
    expect(finished).toEqual(['slow']);
  });
});
