import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFault, type FaultConfig, type FaultContext, faultSchema } from '../../sim/faults/index.js';
import { Queries } from '../../sim/monitor/queries.js';
import { type Rig, startRig, submission } from './rig.js';

let rig: Rig;
beforeAll(async () => {
  rig = await startRig(1);
});
afterAll(() => rig?.close());

function fastClock(): FaultContext['clock'] {
  const real = rig.ctx().clock;
  let readings = 0;
  return Object.assign(Object.create(real), { now: () => real.now() + 1000 * readings++ });
}

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

  it('http-errors on a service without toggles is injected by the router: marked 500s, read back, counted, reverted', async () => {
    const before = await rig.call('/problems');
    expect(before.status).toBe(200);
    const injected = await make({ type: 'http-errors', rate: 1 }).inject({ ...rig.ctx(), noToggles: true });
    // The verification waits for the router's counter, which the traffic meanwhile moves.
    const [check, hit] = await Promise.all([injected.verify(), rig.call('/problems')]);
    expect(check).toMatchObject({ ok: true });
    expect(check.detail).toMatch(/GET \/routes shows faults\.v2 errorRate=1/);
    expect(check.detail).toMatch(
      /rehearsal_router_injected_faults_total\{version="v2",fault="http-errors"\} rose by 1/,
    );
    expect(hit).toMatchObject({ status: 500, fault: 'http-errors' });
    await injected.revert();
    expect((await rig.router.client.getRoutes()).faults).toEqual({});
    expect((await rig.call('/problems')).status).toBe(200);
  });

  it('latency on a service without toggles is a marked delay at the router, verified by its counter', async () => {
    const injected = await make({ type: 'latency', ms: 300 }).inject({ ...rig.ctx(), noToggles: true });
    const [check, hit] = await Promise.all([injected.verify(), rig.call('/problems')]);
    expect(check).toMatchObject({ ok: true });
    expect(check.detail).toMatch(/delayMs=300 delayRate=1.*fault="latency"\} rose by 1/);
    expect(hit).toMatchObject({ status: 200, fault: 'latency' });
    expect(hit.ms).toBeGreaterThanOrEqual(295);
    await injected.revert();
    expect((await rig.router.client.getRoutes()).faults).toEqual({});
    expect((await rig.call('/problems')).fault).toBeNull();
  });

  it('a verification with no traffic says the counter did not rise', async () => {
    const injected = await make({ type: 'latency', ms: 100, mode: 'tail', requests: 0.5 }).inject({
      ...rig.ctx(),
      noToggles: true,
      // a clock whose every reading is a second later, so the 5 s wait passes in a few polls
      clock: fastClock(),
    });
    const check = await injected.verify();
    expect(check.ok).toBe(false);
    expect(check.detail).toMatch(
      /fault="tail-latency"\} did not rise within 5\.1s: v2 took no matching traffic/,
    );
    await injected.revert();
  });

  it("wrong-verdicts on a service without toggles: the router flips the real judge's verdict, on every poll", async () => {
    const injected = await make({ type: 'wrong-verdicts', rate: 1 }).inject({
      ...rig.ctx(),
      noToggles: true,
    });
    const [check, created] = await Promise.all([
      injected.verify(),
      rig.call('/submissions?wait=true', submission('two-sum')),
    ]);
    expect(check).toMatchObject({ ok: true });
    expect(check.detail).toMatch(/wrongVerdictRate=1.*fault="wrong-verdict"\} rose by 1/);
    // The judge says wrong-answer (see the sample's own wrong-verdicts test); users see accepted, marked.
    expect(created).toMatchObject({ status: 201, fault: 'wrong-verdict' });
    const body = JSON.parse(created.body);
    expect([body.verdict, body.status]).toEqual(['accepted', { id: 3, description: 'Accepted' }]);
    const poll = await rig.call(`/submissions/${body.token}`);
    expect(poll.fault).toBe('wrong-verdict');
    expect(JSON.parse(poll.body).verdict).toBe('accepted');
    await injected.revert();
    expect((await rig.router.client.getRoutes()).faults).toEqual({});
    // A submission drawn while the fault was on stays flipped (the sample judge stores a flipped verdict too).
    expect(JSON.parse((await rig.call(`/submissions/${body.token}`)).body).verdict).toBe('accepted');
    const after = await rig.call('/submissions?wait=true', submission('two-sum'));
    expect(after.fault).toBeNull();
    expect(JSON.parse(after.body).verdict).toBe('wrong-answer');
  });

  it("the acceptance rate counts the router's flips: the judge's own counter says wrong-answer, users saw accepted", async () => {
    const clock = rig.ctx().clock;
    const queries = new Queries(rig.store);
    await clock.sleep(500); // a scrape before the window opens
    const from = clock.now();
    const injected = await make({ type: 'wrong-verdicts', rate: 1 }).inject({
      ...rig.ctx(),
      noToggles: true,
    });
    const created = await Promise.all(
      [1, 2, 3].map(() => rig.call('/submissions?wait=true', submission('two-sum'))),
    );
    expect(created.map((c) => JSON.parse(c.body).verdict)).toEqual(['accepted', 'accepted', 'accepted']);
    await injected.revert();
    await clock.sleep(700); // scrapes every 200 ms
    const to = clock.now();
    expect(queries.acceptanceRate('v2', from, to)).toEqual({ value: 1, requests: 3 });
    expect(queries.rejectedVerdictCounts('v2', from, to)).toEqual({ errors: 0, requests: 3 });
    // What the service itself counted: three wrong answers.
    const judged = queries.rejectedVerdictCountsByProblem('v2', from, to).get('two-sum');
    expect(judged).toEqual({ errors: 3, requests: 3 });
  });
});
