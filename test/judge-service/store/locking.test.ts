import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { sample, solution, startJudge, submit, tempDb } from '../helpers.js';

describe('a store locked by another process', { timeout: 30_000 }, () => {
  it('keeps the instance answering, and a submission that cannot be saved in 2 s gets a 503', async () => {
    const db = tempDb();
    const j = await startJudge({ db, args: ['--workers', '1'] });
    const holder = new Database(db);
    try {
      holder.exec('BEGIN IMMEDIATE');
      const posting = submit(
        j,
        { problem_id: 'two-sum', source_code: solution('two-sum', 'accepted.js'), user_id: 'u' },
        false,
      );
      // While the POST waits for the lock on timers, the event loop keeps serving other requests at once.
      let worst = 0;
      for (let i = 0; i < 10; i++) {
        const started = performance.now();
        expect((await fetch(`${j.url}/healthz`)).status).toBe(200);
        worst = Math.max(worst, performance.now() - started);
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(worst).toBeLessThan(250);
      const answer = await posting;
      expect(answer.status).toBe(503);
      expect(answer.headers.get('retry-after')).toBe('1');
      expect(answer.body.error).toMatch(/submission not saved: the database stayed locked .* retry shortly/);
      holder.exec('COMMIT');
      expect(
        (await submit(j, { problem_id: 'two-sum', source_code: solution('two-sum', 'accepted.js') })).body
          .verdict,
      ).toBe('accepted');
      const metrics = await (await fetch(`${j.url}/metrics`)).text();
      // Each try of a write blocks for at most the 10 ms busy timeout.
      expect(sample(metrics, 'judge_store_write_blocking_seconds_bucket', 'le="0.1"')).toBe(
        sample(metrics, 'judge_store_write_blocking_seconds_count'),
      );
    } finally {
      if (holder.inTransaction) holder.exec('COMMIT');
      holder.close();
      await j.stop();
    }
  });
});
