import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFault, type FaultConfig, faultSchema } from '../../sim/faults/index.js';
import { readMetric } from '../../sim/faults/probes.js';
import { getToggles } from '../../sim/faults/service-toggles.js';
import { type Rig, startRig, submission } from './rig.js';

let rig: Rig;
beforeAll(async () => {
  rig = await startRig(2);
});
afterAll(() => rig?.close());

const make = (yaml: Record<string, unknown>) => createFault(faultSchema.parse(yaml) as FaultConfig);
const toggles = () =>
  Promise.all(rig.deployment.instances.map((i) => getToggles(i, rig.platform.adminToken)));

describe('service faults against a real judge service', () => {
  it.each([
    [{ type: 'http-errors', rate: 1 }, submission(), 500],
    [{ type: 'latency', ms: 300 }, submission(), 201],
    [{ type: 'latency', ms: 300, mode: 'tail', requests: 1 }, submission(), 201],
    [{ type: 'store-slow', ms: 200 }, submission(), 201],
    [{ type: 'store-locked' }, submission(), 503],
    [{ type: 'store-unavailable' }, submission(), 503],
  ])('%o marks user responses, reads back, and reverts', async (yaml, init, status) => {
    const fault = make(yaml);
    const injected = await fault.inject(rig.ctx());
    expect(await injected.verify()).toMatchObject({ ok: true });
    const res = await rig.call('/submissions', init);
    expect(res.status).toBe(status);
    expect(res.fault?.split(', ')).toContain(fault.marker);
    await injected.revert();
    expect((await toggles()).every((t) => Object.keys(t).length === 0)).toBe(true);
    const after = await rig.call('/submissions', init);
    expect([after.status, after.fault]).toEqual([201, null]);
  });

  it('share picks part of the instances, and verify fails once someone clears the toggle', async () => {
    const injected = await make({ type: 'http-errors', rate: 0.5, share: 0.5 }).inject(rig.ctx());
    const [a, b] = await toggles();
    expect([a?.errorRate, b?.errorRate]).toEqual([0.5, undefined]);
    await injected.revert();
    const check = await injected.verify();
    expect(check.ok).toBe(false);
    expect(check.detail).toMatch(/errorRate/);
  });

  it('wrong-verdicts answers HTTP 200 with a flipped, marked verdict on the chosen problems only', async () => {
    const injected = await make({ type: 'wrong-verdicts', problems: ['two-sum'] }).inject(rig.ctx());
    expect((await injected.verify()).ok).toBe(true);
    const flipped = await rig.call('/submissions?wait=true', submission('two-sum'));
    expect(flipped.status).toBe(201);
    expect(flipped.fault).toBe('wrong-verdict');
    expect(JSON.parse(flipped.body).verdict).toBe('accepted');
    await injected.revert();
    expect((await toggles())[0]).toEqual({});
  });

  it('memory-leak and cpu-burn are verified by their effect counters, then stop', async () => {
    for (const yaml of [
      { type: 'memory-leak', mbPerSecond: 1 },
      { type: 'cpu-burn', load: 0.2 },
    ]) {
      const injected = await make(yaml).inject(rig.ctx());
      const check = await injected.verify();
      expect(check, JSON.stringify(yaml)).toMatchObject({ ok: true });
      expect(check.detail).toMatch(/effect observed/);
      await injected.revert();
    }
    expect((await toggles()).every((t) => Object.keys(t).length === 0)).toBe(true);
  });

  it('hang holds requests until reverted', async () => {
    const injected = await make({ type: 'hang' }).inject(rig.ctx());
    expect((await injected.verify()).ok).toBe(true);
    const pending = rig.call('/leaderboard');
    await new Promise((r) => setTimeout(r, 500));
    await injected.revert();
    const res = await pending;
    expect(res.status).toBe(200);
    expect(res.fault).toBe('hang');
    expect((await injected.verify()).ok).toBe(false);
    expect(res.ms).toBeGreaterThanOrEqual(400);
  });

  it('readiness-flap is verified by /readyz going 503 and back, and reverts to ready', async () => {
    const injected = await make({ type: 'readiness-flap', period: '300ms' }).inject(rig.ctx());
    expect(await injected.verify()).toMatchObject({ ok: true });
    await injected.revert();
    const res = await fetch(`${rig.deployment.instances[0]!.url}/readyz`);
    expect(res.status).toBe(200);
  });

  it('crash-on-start passes its toggle at start and checks the deployment failed', async () => {
    const fault = make({ type: 'crash-on-start' });
    expect(fault.startToggles?.()).toEqual({ crashAtStart: true });
    const failed = await rig.platform
      .deploy({ version: 'v3', replicas: 1, toggles: fault.startToggles!() })
      .then(
        () => 'started',
        (e: Error) => e.message,
      );
    expect(fault.verifyStart!({ error: failed })).toMatchObject({ ok: true });
    expect(fault.verifyStart!({ deployment: rig.deployment })).toMatchObject({ ok: false });
  });

  it('crash-loop kills the instance after N requests and restarts it', async () => {
    const injected = await make({ type: 'crash-loop', afterRequests: 2, share: 0.5 }).inject(rig.ctx());
    expect((await injected.verify()).ok).toBe(true);
    const target = rig.deployment.instances[0]!;
    const startTime = () => readMetric(target.url, 'judge_process_start_time_seconds');
    const before = await startTime();
    for (let n = 0; n < 4; n++) await fetch(`${target.url}/languages`).catch(() => undefined);
    await expect.poll(startTime, { timeout: 10_000 }).not.toBe(before);
    await expect
      .poll(
        () =>
          getToggles(target, rig.platform.adminToken).then(
            (t) => t.crashAfterRequests,
            () => undefined,
          ),
        { timeout: 5000 },
      )
      .toBe(2);
    await injected.revert();
    expect(await getToggles(target, rig.platform.adminToken)).toEqual({});
  });
});
