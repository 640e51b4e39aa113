import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../sim/clock/virtual-clock.js';

describe('VirtualClock', () => {
  it('wakes sleepers in time order and only moves time when everything sleeps', async () => {
    const clock = new VirtualClock();
    const woke: string[] = [];
    const sleeper = async (name: string, ms: number) => {
      await clock.sleep(ms);
      woke.push(`${name}@${clock.now()}`);
    };
    await clock.run(Promise.all([sleeper('b', 200), sleeper('a', 100), sleeper('c', 200)]));
    expect(woke).toEqual(['a@100', 'b@200', 'c@200']);
  });

  it('calls `after` callbacks at their time, in the order a sleep set at the same moment would wake', async () => {
    const clock = new VirtualClock();
    const seen: string[] = [];
    const task = (async () => {
      clock.after(100, () => seen.push(`late sample@${clock.now()}`));
      const look = clock.sleep(100).then(() => seen.push(`look@${clock.now()}`));
      clock.after(100, () => seen.push(`second sample@${clock.now()}`));
      clock.after(50, () => seen.push(`early@${clock.now()}`));
      await look;
      await clock.sleep(1);
      clock.after(0, () => seen.push(`now@${clock.now()}`));
      await clock.sleep(10);
      return clock.now();
    })();
    expect(await clock.run(task)).toBe(111);
    expect(seen).toEqual(['early@50', 'late sample@100', 'look@100', 'second sample@100', 'now@101']);
    expect(clock.pending).toBe(0);
  });

  it('lets a woken task run its whole chain of awaits before time moves, however long', async () => {
    const clock = new VirtualClock();
    const seen: string[] = [];
    const stop = new AbortController();
    // A scrape-like callback loop every 5 ms, and a controller that, once woken, awaits 200 times before acting.
    const tick = () => {
      seen.push(`scrape@${clock.now()}`);
      clock.after(5, tick, stop.signal);
    };
    tick();
    const controller = (async () => {
      await clock.sleep(7);
      for (let i = 0; i < 200; i++) await Promise.resolve();
      seen.push(`switch@${clock.now()}`);
      await clock.sleep(4);
      stop.abort();
      return clock.now();
    })();
    expect(await clock.run(controller)).toBe(11);
    expect(seen).toEqual(['scrape@0', 'scrape@5', 'switch@7', 'scrape@10']);
    // The aborted loop's next callback was dropped, not left pending.
    expect(clock.pending).toBe(0);
  });

  it('runs two clocks at once in one thread, each to its own times, neither waiting on the other', async () => {
    const run = async (step: number) => {
      const clock = new VirtualClock();
      const seen: number[] = [];
      const result = await clock.run(
        (async () => {
          for (let i = 0; i < 50; i++) {
            await clock.sleep(step);
            // A chain of awaits at every wake: the other clock's turns must not count as this task's work.
            for (let j = 0; j < i % 7; j++) await Promise.resolve();
            seen.push(clock.now());
          }
          return clock.now();
        })(),
      );
      return { result, seen };
    };
    const [a, b] = await Promise.all([run(10), run(3)]);
    expect(a.result).toBe(500);
    expect(b.result).toBe(150);
    expect(a.seen).toEqual(Array.from({ length: 50 }, (_, i) => (i + 1) * 10));
    expect(b.seen).toEqual(Array.from({ length: 50 }, (_, i) => (i + 1) * 3));
  });

  it('runs nested sleeps of concurrent loops (controller, scraper, faults) to the right virtual times', async () => {
    const clock = new VirtualClock();
    const scrapes: number[] = [];
    const stop = new AbortController();
    const scraper = (async () => {
      while (!stop.signal.aborted) {
        scrapes.push(clock.now());
        await clock.sleep(1000, stop.signal).catch(() => undefined);
      }
    })();
    const controller = (async () => {
      await clock.sleep(3500);
      stop.abort();
      await scraper;
      return clock.now();
    })();
    expect(await clock.run(controller)).toBe(3500);
    expect(scrapes).toEqual([0, 1000, 2000, 3000]);
  });

  it('rejects an aborted sleep, drops its timer and removes its abort listener once resolved', async () => {
    const clock = new VirtualClock();
    const abort = new AbortController();
    const aborted = clock.sleep(1000, abort.signal);
    abort.abort();
    await expect(aborted).rejects.toThrow();
    expect(clock.pending).toBe(0);
    const signal = new AbortController().signal;
    let listeners = 0;
    const add = signal.addEventListener.bind(signal);
    const remove = signal.removeEventListener.bind(signal);
    signal.addEventListener = ((...a: Parameters<typeof add>) => {
      listeners++;
      add(...a);
    }) as typeof add;
    signal.removeEventListener = ((...a: Parameters<typeof remove>) => {
      listeners--;
      remove(...a);
    }) as typeof remove;
    await clock.run(Promise.all(Array.from({ length: 8 }, (_, i) => clock.sleep(i, signal))));
    expect(listeners).toBe(0);
  });

  it('propagates the task error and fails loudly when the task waits on something other than the clock', async () => {
    const clock = new VirtualClock();
    await expect(
      clock.run(
        (async () => {
          await clock.sleep(10);
          throw new Error('boom');
        })(),
      ),
    ).rejects.toThrow('boom');
    await expect(clock.run(new Promise(() => undefined))).rejects.toThrow(
      /waiting on something other than the clock/,
    );
  });

  it('covers half an hour of 1-second sleeps without real waiting', async () => {
    const clock = new VirtualClock();
    const started = Date.now();
    await clock.run(
      (async () => {
        for (let i = 0; i < 1800; i++) await clock.sleep(1000);
      })(),
    );
    expect(clock.now()).toBe(1_800_000);
    expect(Date.now() - started).toBeLessThan(5000);
  });
});
