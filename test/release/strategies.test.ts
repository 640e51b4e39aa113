import { describe, expect, it } from 'vitest';
import { describeAction } from '../../sim/release/actions.js';
import { blueGreenSchema, planBlueGreen } from '../../sim/release/strategies/blue-green.js';
import { planStrategy, strategySchema } from '../../sim/release/strategies/index.js';
import { planRolling, resolveCount, rollingSchema } from '../../sim/release/strategies/rolling.js';

const candidate = { version: 'v2', replicas: 4 };

describe('strategy plans', () => {
  it('blue-green: deploy, preview + analysis, gate, switch, post-switch analysis, promote, retire blue', () => {
    const plan = planBlueGreen(
      blueGreenSchema.parse({ type: 'blue-green', approve: 'auto', scaleDownDelay: '4s' }),
      candidate,
    );
    expect(plan.map((a) => a.kind)).toEqual([
      'deploy',
      'preview',
      'analyze',
      'preview',
      'approve',
      'setWeight',
      'analyze',
      'promote',
      'retireStable',
    ]);
    expect(plan[0]).toEqual({ kind: 'deploy', version: 'v2', replicas: 4 });
    expect(plan.at(-1)).toEqual({ kind: 'retireStable', afterMs: 4000 });
  });

  it('rolling: percentages resolve as Kubernetes does (surge up, unavailable down)', () => {
    expect(resolveCount('25%', 3, 'up')).toBe(1);
    expect(resolveCount('25%', 3, 'down')).toBe(0);
    expect(resolveCount(2, 3, 'up')).toBe(2);
    const plan = planRolling(
      rollingSchema.parse({ type: 'rolling', maxSurge: '50%', maxUnavailable: 1 }),
      candidate,
    );
    expect(plan.filter((a) => a.kind === 'roll')).toEqual([
      { kind: 'roll', candidateReplicas: 3, unavailable: 1, progressDeadlineMs: 20_000 },
      { kind: 'roll', candidateReplicas: 4, unavailable: 1, progressDeadlineMs: 20_000 },
    ]);
  });

  it('rolling refuses maxSurge 0 with maxUnavailable 0', () => {
    const r = rollingSchema.safeParse({ type: 'rolling', maxSurge: 0, maxUnavailable: 0 });
    expect(r.success).toBe(false);
    expect(r.error!.issues[0]!.message).toMatch(/cannot both be 0/);
  });

  it('segment: default stages go internal → vip → 25% of buckets → everyone', () => {
    const plan = planStrategy(strategySchema.parse({ type: 'segment' }), candidate);
    expect(plan.filter((a) => a.kind === 'segments')).toEqual([
      { kind: 'segments', segments: ['internal'], bucket: 0 },
      { kind: 'segments', segments: ['internal', 'vip'], bucket: 0 },
      { kind: 'segments', segments: ['internal', 'vip'], bucket: 25 },
      { kind: 'segments', segments: ['internal', 'vip'], bucket: 100 },
    ]);
  });

  it('canary steps accept exactly one key, and gates name their rule', () => {
    expect(
      strategySchema.safeParse({ type: 'canary', steps: [{ setWeight: 10, pause: '1s' }] }).success,
    ).toBe(false);
    const plan = planStrategy(
      strategySchema.parse({ type: 'canary', steps: [{ approve: { gate: 'qa', whenPassing: '10s' } }] }),
      candidate,
    );
    expect(plan[1]).toEqual({
      kind: 'approve',
      gate: 'qa',
      rule: { kind: 'when-passing', timeoutMs: 10_000 },
    });
    expect(describeAction(plan[1]!, 'v2', 'v1')).toMatch(/manual gate "qa": approved when a round passes/);
  });
});
