import { describe, expect, it } from 'vitest';
import { chooseVersion, ruleMatches, shouldMirror, weightedVersion } from '../../sim/router/choose.js';
import { userBucket } from '../../sim/router/hash.js';
import type { RouteTable } from '../../sim/router/route-table.js';
import { binomialBounds } from './helpers.js';

const base: RouteTable = {
  pools: { v1: [], v2: [] },
  weights: { v1: 90, v2: 10 },
  rules: [],
  sticky: false,
  mirror: null,
  faults: {},
};

describe('weightedVersion', () => {
  it('maps the draw onto cumulative weights and skips zero weights', () => {
    expect(weightedVersion({ v1: 90, v2: 10 }, 0)).toBe('v1');
    expect(weightedVersion({ v1: 90, v2: 10 }, 0.8999)).toBe('v1');
    expect(weightedVersion({ v1: 90, v2: 10 }, 0.9)).toBe('v2');
    expect(weightedVersion({ v1: 0, v2: 5 }, 0)).toBe('v2');
    expect(weightedVersion({ v1: 0, v2: 0 }, 0.5)).toBeNull();
  });
});

describe('chooseVersion', () => {
  it('splits 2,000 seeded request ids 10/90 within a binomial bound, deterministically', () => {
    const n = 2000;
    const pick = (i: number) => chooseVersion(base, { 'x-rehearsal-request-id': `seed-42-${i}` });
    const v2 = Array.from({ length: n }, (_, i) => pick(i)).filter((v) => v === 'v2').length;
    const [lo, hi] = binomialBounds(n, 0.1);
    expect(v2).toBeGreaterThanOrEqual(lo);
    expect(v2).toBeLessThanOrEqual(hi);
    expect(Array.from({ length: 50 }, (_, i) => pick(i))).toEqual(
      Array.from({ length: 50 }, (_, i) => pick(i)),
    );
  });

  it('lets the first matching rule win over the weights', () => {
    const rules: RouteTable['rules'] = [
      { header: { name: 'X-Rehearsal-Route', value: 'v2' }, version: 'v2' },
      { segment: 'internal', version: 'v2' },
      { cookie: { name: 'canary', value: 'yes' }, version: 'v2' },
      { header: { name: 'x-rehearsal-route', value: 'v1' }, version: 'v1' },
    ];
    const t = { ...base, weights: { v1: 100, v2: 0 }, rules };
    expect(chooseVersion(t, { 'x-rehearsal-route': 'v2' })).toBe('v2');
    expect(chooseVersion(t, { 'x-user-segment': 'internal' })).toBe('v2');
    expect(chooseVersion(t, { 'x-user-segment': 'vip' })).toBe('v1');
    expect(chooseVersion(t, { cookie: 'a=b; canary=yes' })).toBe('v2');
    expect(chooseVersion(t, { cookie: 'canary=no' })).toBe('v1');
    const v1First = { ...t, weights: { v1: 0, v2: 100 }, rules: [rules[3]!, rules[0]!] };
    expect(chooseVersion(v1First, { 'x-rehearsal-route': 'v1' })).toBe('v1');
  });

  it('matches bucket rules on the user-id hash bucket', () => {
    const rule = { bucket: [0, 25] as [number, number], version: 'v2' };
    const users = Array.from({ length: 400 }, (_, i) => `user-${i}`);
    for (const u of users) expect(ruleMatches(rule, { 'x-user-id': u })).toBe(userBucket(u) < 25);
    const inside = users.filter((u) => ruleMatches(rule, { 'x-user-id': u })).length;
    const [lo, hi] = binomialBounds(400, 0.25);
    expect(inside).toBeGreaterThanOrEqual(lo);
    expect(inside).toBeLessThanOrEqual(hi);
    expect(ruleMatches(rule, {})).toBe(false);
  });

  it('keeps a user on one version when sticky, whatever the request id', () => {
    const sticky = { ...base, weights: { v1: 50, v2: 50 }, sticky: true };
    const seen = new Set<string | null>();
    for (let u = 0; u < 50; u++) {
      const versions = new Set(
        Array.from({ length: 20 }, (_, r) =>
          chooseVersion(sticky, { 'x-user-id': `u${u}`, 'x-rehearsal-request-id': `r${u}-${r}` }),
        ),
      );
      expect(versions.size).toBe(1);
      seen.add([...versions][0]!);
    }
    expect(seen).toEqual(new Set(['v1', 'v2']));
    const loose = { ...sticky, sticky: false };
    const spread = new Set(
      Array.from({ length: 20 }, (_, r) =>
        chooseVersion(loose, { 'x-user-id': 'u1', 'x-rehearsal-request-id': `r${r}` }),
      ),
    );
    expect(spread.size).toBe(2);
  });
});

describe('shouldMirror', () => {
  it('mirrors a seeded share of requests', () => {
    const n = 1000;
    const hits = Array.from({ length: n }, (_, i) =>
      shouldMirror(30, { 'x-rehearsal-request-id': `m${i}` }),
    ).filter(Boolean).length;
    const [lo, hi] = binomialBounds(n, 0.3);
    expect(hits).toBeGreaterThanOrEqual(lo);
    expect(hits).toBeLessThanOrEqual(hi);
    expect(shouldMirror(0, {})).toBe(false);
    expect(shouldMirror(100, {})).toBe(true);
  });
});
