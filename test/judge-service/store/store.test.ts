import { describe, expect, it } from 'vitest';
import {
  ABANDONED_MESSAGE,
  MAX_ATTEMPTS,
  PENALTY_PER_WRONG,
  SchemaError,
  Store,
} from '../../../fixtures/judge-service/src/store/store.js';
import type { Verdict } from '../../../fixtures/judge-service/src/verdicts.js';
import { tempDb } from '../helpers.js';
import { result, sub } from './fixtures.js';

const tokens = (claim: { rows: { token: string }[] }) => claim.rows.map((r) => r.token);

describe('Store', () => {
  it('persists a submission as queued before anyone claims it', async () => {
    const store = await Store.open(tempDb());
    const token = await store.insert(sub(), 1000);
    expect(store.get(token)).toMatchObject({ state: 'queued', status_id: 1, verdict: null, attempts: 0 });
    expect(store.queueDepth()).toBe(1);
  });

  it('leases work to one owner at a time and lets another take it over once the lease expires', async () => {
    const file = tempDb();
    const a = await Store.open(file);
    const b = await Store.open(file);
    const token = await a.insert(sub(), 0);
    expect(tokens(await a.claim('A', 10, 1000, 0))).toEqual([token]);
    expect(tokens(await b.claim('B', 10, 1000, 500))).toEqual([]);
    const taken = (await b.claim('B', 10, 1000, 1001)).rows;
    expect(taken).toHaveLength(1);
    expect(taken[0]!.attempts).toBe(2);
    expect(await a.finish(token, 'A', result('accepted'), 1100)).toBe(false);
    expect(await b.finish(token, 'B', result('wrong-answer'), 1100)).toBe(true);
    expect(await b.finish(token, 'B', result('accepted'), 1200)).toBe(false);
    expect(a.get(token)).toMatchObject({ state: 'done', verdict: 'wrong-answer', status_id: 4 });
  });

  it('updates the leaderboard with the verdict: solved once, penalty per earlier wrong attempt', async () => {
    const store = await Store.open(tempDb());
    const verdicts: Verdict[] = [
      'wrong-answer',
      'compilation-error',
      'internal-error',
      'time-limit',
      'accepted',
      'wrong-answer',
      'accepted',
    ];
    for (const v of verdicts) {
      const token = await store.insert(sub('ann'), 0);
      await store.claim('A', 1, 1000, 0);
      await store.finish(token, 'A', result(v), 10);
    }
    await store.insert(sub('bob'), 0);
    expect(store.leaderboard(10)).toEqual([{ user_id: 'ann', solved: 1, penalty: 2 * PENALTY_PER_WRONG }]);
  });

  it('renews only the leases the owner still holds, keeping others from taking live work', async () => {
    const store = await Store.open(tempDb());
    const token = await store.insert(sub(), 0);
    await store.claim('A', 1, 1000, 0);
    expect(await store.renew([token], 'B', 5000)).toBe(0);
    expect(await store.renew([token], 'A', 5000)).toBe(1);
    expect(tokens(await store.claim('B', 1, 1000, 2000))).toEqual([]);
  });

  it('releases leased work back to the queue without counting the claim as an attempt', async () => {
    const store = await Store.open(tempDb());
    const token = await store.insert(sub(), 0);
    await store.claim('A', 1, 60_000, 0);
    expect(await store.release([token], 'A')).toBe(1);
    expect(store.get(token)).toMatchObject({ state: 'queued', attempts: 0 });
    expect(tokens(await store.claim('B', 1, 1000, 1))).toEqual([token]);
  });

  it('refuses a database migrated past what it understands, with a hint', async () => {
    const file = tempDb();
    const old = await Store.open(file);
    const token = await old.insert(sub(), 0);
    await (await Store.open(file)).understand(2);
    expect(() => old.get(token)).toThrow(SchemaError);
    expect(() => old.get(token)).toThrow(/roll forward/);
  });
});

describe('Store fairness', () => {
  it('serves one submission of every waiting user before the next of a user with a backlog', async () => {
    const store = await Store.open(tempDb());
    const flood = [];
    for (let i = 0; i < 50; i++) flood.push(await store.insert(sub('flood'), i));
    const first = tokens(await store.claim('A', 2, 60_000, 100));
    expect(first).toEqual(flood.slice(0, 2));
    const honest = await store.insert(sub('honest'), 200);
    const other = await store.insert(sub('other'), 300);
    const next = tokens(await store.claim('A', 3, 60_000, 400));
    expect(next).toEqual([flood[2], honest, other]);
    // A second submission of the honest user waits for its own round, still far ahead of the backlog.
    const again = await store.insert(sub('honest'), 500);
    expect(tokens(await store.claim('A', 3, 60_000, 600))).toEqual([flood[3], again, flood[4]]);
  });

  it('claims through the partial indexes: no table scan, no sort', async () => {
    const store = await Store.open(tempDb());
    const plan = (sql: string, ...args: unknown[]) =>
      (store.db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...args) as { detail: string }[])
        .map((r) => r.detail)
        .join('\n');
    const queued = plan(
      "SELECT token, attempts FROM submissions WHERE state = 'queued' ORDER BY fair_round, created_at LIMIT 4",
    );
    expect(queued).toMatch(/USING INDEX submissions_fair_queue/);
    const expired = plan(
      "SELECT token, attempts FROM submissions WHERE state = 'processing' AND lease_until < 5 ORDER BY lease_until LIMIT 4",
    );
    expect(expired).toMatch(/USING INDEX submissions_leases/);
    const round = plan("SELECT max(fair_round) FROM submissions WHERE user_id = 'u' AND state <> 'done'");
    expect(round).toMatch(/USING (COVERING )?INDEX submissions_user_rounds/);
    const head = plan("SELECT min(fair_round) FROM submissions WHERE state = 'queued'");
    expect(head).toMatch(/USING (COVERING )?INDEX submissions_fair_queue/);
    for (const p of [queued, expired, round, head]) {
      expect(p).not.toMatch(/TEMP B-TREE/);
      expect(p).not.toMatch(/SCAN submissions$/m);
    }
  });
});

describe('Store poison pills', () => {
  it(`gives up a submission after ${MAX_ATTEMPTS} claims that each lost the instance`, async () => {
    const file = tempDb();
    const store = await Store.open(file);
    const token = await store.insert(sub('victim'), 0);
    let now = 0;
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      const claim = await store.claim(`instance-${attempt}`, 4, 1000, now);
      expect(claim.rows.map((r) => [r.token, r.attempts])).toEqual([[token, attempt]]);
      now += 1001; // the claimer died: its lease runs out
    }
    const survivor = await Store.open(file);
    const last = await survivor.claim('survivor', 4, 1000, now, 'v9');
    expect(last.rows).toEqual([]);
    expect(last.abandoned).toHaveLength(1);
    expect(survivor.get(token)).toMatchObject({
      state: 'done',
      verdict: 'internal-error',
      status_id: 13,
      message: ABANDONED_MESSAGE,
      judged_by: 'v9',
      attempts: MAX_ATTEMPTS,
    });
    expect(survivor.queueDepth()).toBe(0);
    expect(store.leaderboard(10)).toEqual([{ user_id: 'victim', solved: 0, penalty: 0 }]);
    // Internal errors cost nothing: a later accepted carries no penalty.
    const ok = await survivor.insert(sub('victim'), now);
    await survivor.claim('survivor', 1, 1000, now);
    await survivor.finish(ok, 'survivor', result('accepted'), now + 1);
    expect(store.leaderboard(10)).toEqual([{ user_id: 'victim', solved: 1, penalty: 0 }]);
  });
});
