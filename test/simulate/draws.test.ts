import { describe, expect, it } from 'vitest';
import { powCached } from '../../sim/simulate/draws.js';
import { mulberry32 } from '../helpers/random.js';

describe('powCached (the binomial draw’s q ** n, remembered)', () => {
  it('returns exactly q ** n, for recurring and colliding (q, n), so that no draw changes', () => {
    const rand = mulberry32(5);
    // A few probabilities and counts that recur, as in a rehearsal, and many that do not: 4,096 slots see collisions.
    const qs = [0.999, 0.995, 1 - 1e-4, 0.75, 0.5];
    for (let i = 0; i < 50_000; i++) {
      const q = i % 3 === 0 ? 0.5 + rand() / 2 : qs[i % qs.length]!;
      const n = i % 2 === 0 ? Math.floor(rand() * 5000) : 900 + (i % 200);
      const got = powCached(q, n);
      if (!Object.is(got, q ** n)) expect.fail(`powCached(${q}, ${n}) = ${got}, not ${q ** n}`);
    }
    expect(powCached(0.9, 2.5)).toBe(0.9 ** 2.5);
    expect(powCached(0.9, 0)).toBe(1);
  });
});
