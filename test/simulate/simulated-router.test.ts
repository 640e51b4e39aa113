import { describe, expect, it } from 'vitest';
import { userBucket } from '../../sim/router/hash.js';
import { emptyRouteTable } from '../../sim/router/route-table.js';
import { effectiveWeights } from '../../sim/simulate/simulated-router.js';
import { makeUsers } from '../../sim/traffic/users.js';

const users = makeUsers(500, 338);
const table = (extra: Partial<ReturnType<typeof emptyRouteTable>>) => ({
  ...emptyRouteTable(),
  pools: { v1: [], v2: [] },
  weights: { v1: 100, v2: 0 },
  ...extra,
});

describe('effectiveWeights (the simulated router’s view of route rules)', () => {
  it('is the weights when no rule looks at users and the draw is not sticky', () => {
    expect(effectiveWeights(table({ weights: { v1: 80, v2: 20 } }), () => users)).toEqual({ v1: 80, v2: 20 });
  });

  it('gives a version the users its segment and bucket rules select, the others by weight', () => {
    const shares = effectiveWeights(
      table({
        sticky: true,
        rules: [
          { header: { name: 'x-preview', value: '1' }, version: 'v2' },
          { segment: 'internal', version: 'v2' },
          { segment: 'vip', version: 'v2' },
          { bucket: [0, 25], version: 'v2' },
        ],
      }),
      () => users,
    );
    const expected = users.filter((u) => u.segment !== 'regular' || userBucket(u.id) < 25).length;
    expect(shares).toEqual({ v1: users.length - expected, v2: expected });
    // About 15% of users are internal or VIP, plus a quarter of the rest.
    expect(expected / users.length).toBeGreaterThan(0.3);
    expect(expected / users.length).toBeLessThan(0.45);
  });
});
