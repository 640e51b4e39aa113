import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import {
  retryBusy,
  StoreBusyError,
  type StoreClock,
} from '../../../fixtures/judge-service/src/store/busy.js';
import { Store } from '../../../fixtures/judge-service/src/store/store.js';
import { tempDb } from '../helpers.js';
import { sub } from './fixtures.js';

/** Virtual time: sleeping advances it at once. */
function fakeClock(): StoreClock & { slept: number[] } {
  let t = 0;
  const slept: number[] = [];
  return {
    slept,
    now: () => t,
    sleep: async (ms) => {
      slept.push(ms);
      t += ms;
    },
    random: () => 0.5,
  };
}

const busy = () => Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' });

describe('retryBusy', () => {
  it('retries SQLITE_BUSY on timers with growing pauses until the operation succeeds', async () => {
    const clock = fakeClock();
    let calls = 0;
    const value = await retryBusy(
      'op',
      () => {
        if (++calls < 5) throw busy();
        return 42;
      },
      { budgetMs: 10_000, firstDelayMs: 4, maxDelayMs: 20 },
      clock,
    );
    expect(value).toBe(42);
    expect(clock.slept).toEqual([3, 6, 12, 15]);
  });

  it('gives up past its budget with an error that names the operation', async () => {
    const clock = fakeClock();
    const attempt = retryBusy(
      'submission not saved',
      () => {
        throw busy();
      },
      { budgetMs: 100, firstDelayMs: 10, maxDelayMs: 40 },
      clock,
    );
    await expect(attempt).rejects.toThrow(StoreBusyError);
    await expect(attempt).rejects.toThrow(/submission not saved: the database stayed locked .* for 100 ms/);
    expect(clock.now()).toBe(100);
  });

  it('lets other errors through at once', async () => {
    const clock = fakeClock();
    const attempt = retryBusy(
      'op',
      () => {
        throw new Error('disk I/O error');
      },
      { budgetMs: 100, firstDelayMs: 10, maxDelayMs: 40 },
      clock,
    );
    await expect(attempt).rejects.toThrow('disk I/O error');
    expect(clock.slept).toEqual([]);
  });
});

describe('Store under a held write lock', () => {
  it('never blocks the event loop for long: an insert fails with StoreBusyError, claims wait on timers', async () => {
    const file = tempDb();
    const store = await Store.open(file, {
      policies: { insert: { budgetMs: 600, firstDelayMs: 5, maxDelayMs: 50 } },
    });
    await store.insert(sub(), 0);
    const holder = new Database(file);
    holder.exec('BEGIN IMMEDIATE');
    let worst = 0;
    let last = performance.now();
    const probe = setInterval(() => {
      const now = performance.now();
      worst = Math.max(worst, now - last);
      last = now;
    }, 5);
    try {
      const started = performance.now();
      await expect(store.insert(sub(), 1)).rejects.toThrow(StoreBusyError);
      expect(performance.now() - started).toBeGreaterThanOrEqual(590);
      // Reads go on while the lock is held (WAL).
      expect(store.queueDepth()).toBe(1);
      const claim = store.claim('A', 1, 1000, 2);
      setTimeout(() => holder.exec('COMMIT'), 200);
      expect((await claim).rows).toHaveLength(1);
    } finally {
      clearInterval(probe);
      if (holder.inTransaction) holder.exec('COMMIT');
      holder.close();
    }
    // Each try waits at most the 10 ms busy timeout in SQLite, so no stall comes near the 600 ms the lock was
    // held (a plain busy timeout would block that long); the bound leaves room for a loaded machine.
    expect(worst).toBeLessThan(250);
  });
});
