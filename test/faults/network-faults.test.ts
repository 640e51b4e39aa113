import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFault, type FaultConfig, faultSchema } from '../../sim/faults/index.js';
import { type Rig, startRig } from './rig.js';

let rig: Rig;
beforeAll(async () => {
  rig = await startRig(1);
});
afterAll(() => rig?.close());

const make = (yaml: Record<string, unknown>) => createFault(faultSchema.parse(yaml) as FaultConfig);

describe('network faults in the real router', () => {
  it.each([
    [
      { type: 'net-latency', ms: 300 },
      (r: { status: number; ms: number }) => r.status === 200 && r.ms >= 300,
    ],
    [{ type: 'reset', rate: 1 }, (r: { status: number }) => r.status === 0],
    [{ type: 'partition' }, (r: { status: number }) => r.status === 503],
    [{ type: 'bandwidth', kbps: 8 }, (r: { status: number; ms: number }) => r.status === 200 && r.ms >= 300],
  ])('%o is read back from GET /routes, shapes traffic, and reverts', async (yaml, effect) => {
    const injected = await make(yaml).inject(rig.ctx());
    const check = await injected.verify();
    expect(check).toMatchObject({ ok: true });
    expect(check.detail).toMatch(/GET \/routes/);
    expect(effect(await rig.call('/problems'))).toBe(true);
    await injected.revert();
    expect((await rig.router.client.getRoutes()).faults).toEqual({});
    expect((await rig.call('/problems')).status).toBe(200);
  });

  it('two network faults on one version combine, and each reverts only its own field', async () => {
    const slow = await make({ type: 'net-latency', ms: 50 }).inject(rig.ctx());
    const resets = await make({ type: 'reset', rate: 0.5 }).inject(rig.ctx());
    expect((await rig.router.client.getRoutes()).faults.v2).toMatchObject({ latencyMs: 50, resetRate: 0.5 });
    await resets.revert();
    expect((await rig.router.client.getRoutes()).faults.v2).toMatchObject({ latencyMs: 50, resetRate: 0 });
    expect((await resets.verify()).ok).toBe(false);
    await slow.revert();
    expect((await rig.router.client.getRoutes()).faults).toEqual({});
  });

  it('http-errors on a service without toggles is injected by the router: marked 500s, read back, reverted', async () => {
    const before = await rig.call('/problems');
    expect(before.status).toBe(200);
    const injected = await make({ type: 'http-errors', rate: 1 }).inject({ ...rig.ctx(), noToggles: true });
    const check = await injected.verify();
    expect(check).toMatchObject({ ok: true });
    expect(check.detail).toMatch(/GET \/routes shows faults\.v2 errorRate=1/);
    const hit = await rig.call('/problems');
    expect(hit).toMatchObject({ status: 500, fault: 'http-errors' });
    await injected.revert();
    expect((await rig.router.client.getRoutes()).faults).toEqual({});
    expect((await rig.call('/problems')).status).toBe(200);
  });
});
