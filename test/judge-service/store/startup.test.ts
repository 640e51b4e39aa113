import { type ChildProcess, spawn } from 'node:child_process';
import { cpus } from 'node:os';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, type Judge, startJudge, tempDb } from '../helpers.js';

const INSTANCES = 5;
const ROUNDS = 3;

// One busy-looping process per core, so that the instances start as slowly and as interleaved as on a loaded
// CI runner; each stops by itself after a minute should the test die without killing it.
let burners: ChildProcess[] = [];
beforeAll(() => {
  ensureBuilt();
  burners = cpus().map(() =>
    spawn(process.execPath, ['-e', 'const end = Date.now() + 60000; while (Date.now() < end);'], {
      stdio: 'ignore',
    }),
  );
});
afterAll(() => {
  for (const b of burners) b.kill('SIGKILL');
});

describe('start-up on one fresh store', { timeout: 60_000 }, () => {
  it(`${INSTANCES} instances of two versions open and migrate one new file at once, ${ROUNDS} times, under CPU contention`, async () => {
    const failures: string[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const db = tempDb();
      const starts = Array.from({ length: INSTANCES }, (_, i) =>
        startJudge({
          db,
          args: [
            '--workers',
            '1',
            '--version',
            i === 0 ? 'v2' : 'v1',
            // One instance also runs the schema 2 migration while the others create schema 1.
            ...(i === 0 && round % 2 === 1 ? ['--toggles', '{"schemaVersion":2}'] : []),
          ],
        }),
      );
      const settled = await Promise.allSettled(starts);
      const started = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
      for (const s of settled) if (s.status === 'rejected') failures.push(String(s.reason));
      await Promise.all(started.map((j: Judge) => j.stop()));
      const store = new Database(db, { readonly: true });
      const objects = store
        .prepare("SELECT count(*) n FROM sqlite_master WHERE name LIKE 'submissions%'")
        .get();
      expect(store.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(objects).toEqual({ n: 5 });
      store.close();
    }
    expect(failures).toEqual([]);
  });
});
