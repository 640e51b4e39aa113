import { describe, expect, it } from 'vitest';
import {
  type FinalResult,
  PENALTY_PER_WRONG,
  SchemaError,
  Store,
} from '../../../fixtures/judge-service/src/store/store.js';
import type { Verdict } from '../../../fixtures/judge-service/src/verdicts.js';
import { tempDb } from '../helpers.js';

const result = (verdict: Verdict): FinalResult => ({
  verdict,
  message: '',
  timeMs: 1,
  memoryKb: 1,
  fault: null,
  judgedBy: 'v1',
  judgedInstance: 'i',
});
const sub = (userId = 'u') => ({
  problemId: 'two-sum',
  userId,
  languageId: 63,
  source: 'x',
  receivedBy: 'v1',
});

describe('Store', () => {
  it('persists a submission as queued before anyone claims it', () => {
    const store = new Store(tempDb());
    const token = store.insert(sub(), 1000);
    expect(store.get(token)).toMatchObject({ state: 'queued', status_id: 1, verdict: null });
    expect(store.queueDepth()).toBe(1);
  });

  it('leases work to one owner at a time and lets another take it over once the lease expires', () => {
    const file = tempDb();
    const a = new Store(file);
    const b = new Store(file);
    const token = a.insert(sub(), 0);
    expect(a.claim('A', 10, 1000, 0).map((r) => r.token)).toEqual([token]);
    expect(b.claim('B', 10, 1000, 500)).toEqual([]);
    const taken = b.claim('B', 10, 1000, 1001);
    expect(taken).toHaveLength(1);
    expect(taken[0]!.attempts).toBe(2);
    expect(a.finish(token, 'A', result('accepted'), 1100)).toBe(false);
    expect(b.finish(token, 'B', result('wrong-answer'), 1100)).toBe(true);
    expect(b.finish(token, 'B', result('accepted'), 1200)).toBe(false);
    expect(a.get(token)).toMatchObject({ state: 'done', verdict: 'wrong-answer', status_id: 4 });
  });

  it('updates the leaderboard with the verdict: solved once, penalty per earlier wrong attempt', () => {
    const store = new Store(tempDb());
    const verdicts: Verdict[] = [
      'wrong-answer',
      'compilation-error',
      'time-limit',
      'accepted',
      'wrong-answer',
      'accepted',
    ];
    for (const v of verdicts) {
      const token = store.insert(sub('ann'), 0);
      store.claim('A', 1, 1000, 0);
      store.finish(token, 'A', result(v), 10);
    }
    store.insert(sub('bob'), 0);
    expect(store.leaderboard(10)).toEqual([{ user_id: 'ann', solved: 1, penalty: 2 * PENALTY_PER_WRONG }]);
  });

  it('renews only the leases the owner still holds, keeping others from taking live work', () => {
    const store = new Store(tempDb());
    const token = store.insert(sub(), 0);
    store.claim('A', 1, 1000, 0);
    expect(store.renew([token], 'B', 5000)).toBe(0);
    expect(store.renew([token], 'A', 5000)).toBe(1);
    expect(store.claim('B', 1, 1000, 2000)).toEqual([]);
  });

  it('releases leased work back to the queue', () => {
    const store = new Store(tempDb());
    const token = store.insert(sub(), 0);
    store.claim('A', 1, 60_000, 0);
    expect(store.release([token], 'A')).toBe(1);
    expect(store.claim('B', 1, 1000, 1)[0]?.token).toBe(token);
  });

  it('refuses a database migrated past what it understands, with a hint', () => {
    const file = tempDb();
    const old = new Store(file);
    const token = old.insert(sub(), 0);
    new Store(file).understand(2);
    expect(() => old.get(token)).toThrow(SchemaError);
    expect(() => old.get(token)).toThrow(/roll forward/);
  });
});
