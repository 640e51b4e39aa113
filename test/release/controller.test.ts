import { describe, expect, it } from 'vitest';
import { blueGreenSchema, planBlueGreen } from '../../sim/release/strategies/blue-green.js';
import { canarySchema, planCanary } from '../../sim/release/strategies/canary.js';
import { planRolling, rollingSchema } from '../../sim/release/strategies/rolling.js';
import { planSegment, segmentSchema } from '../../sim/release/strategies/segment.js';
import { harness, scriptedCheck } from './fakes.js';

const candidate = { version: 'v2', replicas: 2 };
const failFrom = (ms: number) => scriptedCheck('errors', (t) => (t >= ms ? 'failed' : 'successful'));

describe('canary', () => {
  const plan = planCanary(
    canarySchema.parse({
      type: 'canary',
      steps: [{ setWeight: 20 }, { analyze: '4s' }, { setWeight: 50 }, { analyze: '4s' }],
    }),
    candidate,
  );

  it('promotes a healthy candidate, recording each weight', async () => {
    const h = await harness();
    const result = await h.run(plan);
    expect(result.outcome).toBe('promoted');
    expect(h.weights.changes.map((c) => c.weight)).toEqual([0, 20, 50, 100]);
    expect(h.router.last.weights).toEqual({ v1: 0, v2: 100 });
  });

  it('rolls back: traffic first, then the candidate stops; every milestone is on the timeline', async () => {
    const h = await harness();
    const result = await h.run(plan, [failFrom(3000)]);
    expect(result.outcome).toBe('rolled-back');
    const [decision, onStable, stopped, first] = [
      'decision',
      'all-traffic-on-stable',
      'candidate-stopped',
      'first-failure',
    ].map((t) => h.at(t)!);
    expect(first).toBeLessThanOrEqual(decision!);
    expect(onStable).toBeGreaterThanOrEqual(decision!);
    expect(stopped).toBeGreaterThan(onStable!);
    expect(h.timeline.events.find((e) => e.type === 'candidate-last-request')?.data).toEqual({ at: 1234 });
    const moved = h.router.tables.find((t) => t.at >= decision! + h.timeline.t0 && t.table.weights.v2 === 0)!;
    expect(moved.table.pools.v2!.length).toBe(2); // still in the pool (draining) when traffic moved
    expect(h.router.last.pools.v2).toEqual([]);
    expect(h.platform.log.some((l) => l.includes('stop v2'))).toBe(true);
  });

  it('releases again after a rollback', async () => {
    const h = await harness();
    expect((await h.run(plan, [failFrom(2000)])).outcome).toBe('rolled-back');
    expect((await h.run(plan)).outcome).toBe('promoted');
    expect(h.router.last.pools.v2!.map((i) => i.id)).toEqual(['v2-2', 'v2-3']);
  });

  it('runs a baseline of stable beside the canary, at the canary’s weight', async () => {
    const h = await harness({ baseline: 'v1-baseline' });
    const withBaseline = planCanary(
      canarySchema.parse({
        type: 'canary',
        baseline: true,
        replicas: 1,
        steps: [{ setWeight: 10 }, { analyze: '2s' }],
      }),
      candidate,
    );
    expect(withBaseline.slice(0, 2).map((a) => a.kind)).toEqual(['deploy', 'deployBaseline']);
    let during: unknown;
    const check = scriptedCheck('peek', () => {
      during = structuredClone(h.router.last);
      return 'successful';
    });
    expect((await h.run(withBaseline, [check])).outcome).toBe('promoted');
    expect(during).toMatchObject({ weights: { v1: 80, v2: 10, 'v1-baseline': 10 } });
    expect((during as { pools: Record<string, unknown[]> }).pools['v1-baseline']).toHaveLength(1);
  });

  it('mirrors shadow traffic, and stops mirroring on rollback', async () => {
    const h = await harness();
    const mirrorPlan = planCanary(
      canarySchema.parse({
        type: 'canary',
        steps: [{ mirror: 100 }, { analyze: '3s' }, { mirror: 0 }, { setWeight: 20 }, { analyze: '3s' }],
      }),
      candidate,
    );
    const result = await h.run(mirrorPlan, [failFrom(2000)]);
    expect(result.outcome).toBe('rolled-back');
    expect(h.router.tables.some((t) => t.table.mirror?.version === 'v2' && t.table.weights.v2 === 0)).toBe(
      true,
    );
    expect(h.router.last.mirror).toBeNull();
  });

  it('pauses (reported, not passed) when a check never gets data', async () => {
    const h = await harness();
    const result = await h.run(plan, [scriptedCheck('no data', () => 'inconclusive')]);
    expect(result.outcome).toBe('paused');
    expect(result.reason).toMatch(/no passing measurement for no data/);
  });
});

describe('manual gates', () => {
  const gated = (approve: unknown) =>
    planCanary(
      canarySchema.parse({
        type: 'canary',
        steps: [{ setWeight: 20 }, { approve }, { setWeight: 50 }, { analyze: '2s' }],
      }),
      candidate,
    );

  it('auto approves; reject rolls back', async () => {
    expect((await (await harness()).run(gated('auto'))).outcome).toBe('promoted');
    const h = await harness();
    const r = await h.run(gated('reject'));
    expect(r.outcome).toBe('rolled-back');
    expect(r.reason).toMatch(/rejected/);
  });

  it('analysis keeps running while a gate waits: a failing candidate rolls back from the gate (flagger#1801)', async () => {
    const h = await harness();
    const r = await h.run(gated({ gate: 'release manager', after: '30s' }), [failFrom(3000)]);
    expect(r.outcome).toBe('rolled-back');
    expect(h.at('decision')!).toBeLessThan(6000);
  });

  it('whenPassing approves after a passing round, or pauses at its timeout', async () => {
    expect((await (await harness()).run(gated({ whenPassing: '5s' }))).outcome).toBe('promoted');
    const h = await harness();
    const r = await h.run(gated({ whenPassing: '3s' }), [scriptedCheck('slow data', () => 'inconclusive')]);
    expect(r.outcome).toBe('paused');
    expect(r.reason).toMatch(/not approved/);
  });
});

describe('blue-green', () => {
  const plan = planBlueGreen(
    blueGreenSchema.parse({
      type: 'blue-green',
      preview: { analyze: '3s' },
      postSwitch: { analyze: '3s' },
      scaleDownDelay: '2s',
    }),
    candidate,
  );

  it('previews green by header, switches all at once, keeps blue warm, then retires it', async () => {
    const h = await harness();
    let previewTable: unknown;
    const check = scriptedCheck('peek', (t) => {
      if (t < 2000) previewTable = structuredClone(h.router.last);
      return 'successful';
    });
    expect((await h.run(plan, [check])).outcome).toBe('promoted');
    expect(previewTable).toMatchObject({
      weights: { v1: 100, v2: 0 },
      rules: [{ header: { name: 'x-rehearsal-route', value: 'v2' }, version: 'v2' }],
    });
    const switched = h.router.tables.find((t) => t.table.weights.v2 === 100)!;
    expect(switched.table.pools.v1).toHaveLength(2); // blue warm
    expect(switched.table.rules).toEqual([]);
    expect(h.router.last.pools.v1).toEqual([]);
    expect(h.at('stable-stopped')! - h.at('promoted')!).toBeGreaterThanOrEqual(2000);
  });

  it('a post-switch failure switches back to blue at once', async () => {
    const h = await harness();
    const r = await h.run(plan, [failFrom(5000)]);
    expect(r.outcome).toBe('rolled-back');
    expect(h.at('all-traffic-on-stable')! - h.at('decision')!).toBeLessThan(100);
    expect(h.router.last.weights).toMatchObject({ v1: 100, v2: 0 });
    expect(h.router.last.pools.v1).toHaveLength(2);
  });
});

describe('rolling', () => {
  const config = (o: Record<string, unknown> = {}) =>
    rollingSchema.parse({
      type: 'rolling',
      maxSurge: 1,
      maxUnavailable: 0,
      analyzeEach: '2s',
      progressDeadline: '5s',
      ...o,
    });

  it('replaces instances in batches within maxSurge, readiness-gated, and promotes', async () => {
    const h = await harness({ stableReplicas: 3 });
    const plan = planRolling(config(), { version: 'v2', replicas: 3 });
    expect(
      plan.filter((a) => a.kind === 'roll').map((a) => (a.kind === 'roll' ? a.candidateReplicas : 0)),
    ).toEqual([1, 2, 3]);
    expect((await h.run(plan)).outcome).toBe('promoted');
    const sizes = h.router.tables.map(
      (t) => (t.table.pools.v1?.length ?? 0) + (t.table.pools.v2?.length ?? 0),
    );
    expect(Math.max(...sizes)).toBeLessThanOrEqual(4);
    expect(Math.min(...sizes.slice(1))).toBeGreaterThanOrEqual(3 - 0);
    expect(h.stable.instances).toHaveLength(0);
    // No table ever sends weight to an empty pool (that would be 503s from the router).
    for (const { table } of h.router.tables) {
      for (const [v, w] of Object.entries(table.weights))
        if (w > 0) expect(table.pools[v]?.length, JSON.stringify(table)).toBeGreaterThan(0);
    }
  });

  it('rolls back when a batch never becomes ready (progress deadline)', async () => {
    const h = await harness({ stableReplicas: 2 });
    h.platform.behaviour = (s) => (s.version === 'v2' ? 'hang' : 'ok');
    const r = await h.run(planRolling(config(), candidate));
    expect(r.outcome).toBe('rolled-back');
    expect(r.reason).toMatch(/progress deadline/);
  });

  it('rolls back when instances fail readiness', async () => {
    const h = await harness();
    h.platform.behaviour = (s) => (s.version === 'v2' ? 'fail' : 'ok');
    const r = await h.run(planRolling(config(), candidate));
    expect(r.outcome).toBe('rolled-back');
    expect(r.reason).toMatch(/failed its readiness check/);
  });

  it('a rollback onto a shrunken stable pool is reported and stable is scaled back up', async () => {
    const h = await harness({ stableReplicas: 2 });
    const r = await h.run(planRolling(config(), candidate), [failFrom(5000)]);
    expect(r.outcome).toBe('rolled-back');
    expect(r.warnings.join()).toMatch(/too small to absorb/);
    expect(h.at('rollback-capacity')).toBeDefined();
    expect(h.stable.instances).toHaveLength(2);
    expect(h.router.last.pools.v1).toHaveLength(2);
  });
});

describe('segment', () => {
  it('internal users, then VIP, then user-id buckets up to everyone; sticky per user', async () => {
    const h = await harness();
    const plan = planSegment(segmentSchema.parse({ type: 'segment', analysis: {} }), candidate);
    const seen: unknown[] = [];
    const check = scriptedCheck('peek', () => {
      seen.push(structuredClone(h.router.last.rules));
      return 'successful';
    });
    expect((await h.run(plan, [check])).outcome).toBe('promoted');
    const distinct = [...new Set(seen.map((s) => JSON.stringify(s)))].map((s) => JSON.parse(s));
    expect(distinct).toEqual([
      [{ segment: 'internal', version: 'v2' }],
      [
        { segment: 'internal', version: 'v2' },
        { segment: 'vip', version: 'v2' },
      ],
      [
        { segment: 'internal', version: 'v2' },
        { segment: 'vip', version: 'v2' },
        { bucket: [0, 25], version: 'v2' },
      ],
      [
        { segment: 'internal', version: 'v2' },
        { segment: 'vip', version: 'v2' },
        { bucket: [0, 100], version: 'v2' },
      ],
    ]);
    expect(h.router.tables.some((t) => t.table.sticky)).toBe(true);
    expect(h.router.last).toMatchObject({ rules: [], weights: { v2: 100 } });
  });

  it('a failure at the internal stage rolls back before any regular user saw the candidate', async () => {
    const h = await harness();
    const r = await h.run(planSegment(segmentSchema.parse({ type: 'segment' }), candidate), [failFrom(2000)]);
    expect(r.outcome).toBe('rolled-back');
    expect(h.router.tables.some((t) => t.table.rules.some((rule) => 'bucket' in rule))).toBe(false);
    expect(h.router.last.rules).toEqual([]);
  });
});
