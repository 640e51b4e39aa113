import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFault, type FaultConfig, faultSchema } from '../../sim/faults/index.js';
import { type Rig, startRig } from './rig.js';

let rig: Rig;
beforeAll(async () => {
  rig = await startRig(1);
});
afterAll(() => rig?.close());

const make = (yaml: Record<string, unknown>) => createFault(faultSchema.parse(yaml) as FaultConfig);

describe('monitoring faults on the real scraper', () => {
  it('scrape-gap stops scrapes (verified by the counter standing still) and revert resumes them', async () => {
    const injected = await make({ type: 'scrape-gap' }).inject(rig.ctx());
    const check = await injected.verify();
    expect(check, check.detail).toMatchObject({ ok: true });
    await injected.revert();
    const n = rig.scraper.scrapes;
    await expect.poll(() => rig.scraper.scrapes).toBeGreaterThan(n);
  });

  it('metrics-down makes scrapes fail, and revert ends the failures', async () => {
    const injected = await make({ type: 'metrics-down' }).inject(rig.ctx());
    const check = await injected.verify();
    expect(check, check.detail).toMatchObject({ ok: true });
    await injected.revert();
    const failures = rig.scraper.failures;
    await new Promise((r) => setTimeout(r, 500));
    expect(rig.scraper.failures).toBe(failures);
  });

  it('stale-metrics delays samples; revert sets the delay back', async () => {
    const injected = await make({ type: 'stale-metrics', delay: '3s' }).inject(rig.ctx());
    const check = await injected.verify();
    expect(check, check.detail).toMatchObject({ ok: true });
    expect(rig.scraper.distortion.delayMs).toBe(3000);
    await injected.revert();
    expect(rig.scraper.distortion.delayMs).toBe(0);
  });

  it('wrong-labels stores the version under another label, so queries for it find nothing', async () => {
    const injected = await make({ type: 'wrong-labels' }).inject(rig.ctx());
    const check = await injected.verify();
    expect(check, check.detail).toMatchObject({ ok: true });
    await expect
      .poll(() => rig.store.select('judge_submissions_received_total', { version: 'v2-mislabelled' }).length)
      .toBeGreaterThan(0);
    await injected.revert();
    expect(rig.scraper.distortion.relabel).toBeUndefined();
  });

  it('a monitoring fault that someone else undoes is reported not applied', async () => {
    const injected = await make({ type: 'scrape-gap' }).inject(rig.ctx());
    rig.scraper.distortion.blind = false;
    const check = await injected.verify();
    expect(check.ok).toBe(false);
    await injected.revert();
  });
});
