import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFault, type FaultConfig, faultSchema } from '../../sim/faults/index.js';
import { health, readMetric } from '../../sim/faults/probes.js';
import { type Rig, startRig, submission } from './rig.js';

let rig: Rig;
beforeAll(async () => {
  rig = await startRig(2);
});
afterAll(() => rig?.close());

const make = (yaml: Record<string, unknown>) => createFault(faultSchema.parse(yaml) as FaultConfig);

describe('instance faults against real processes', () => {
  it('pause freezes the process (verified: connections hang) and revert resumes it', async () => {
    const injected = await make({ type: 'pause', share: 0.5 }).inject(rig.ctx());
    const check = await injected.verify();
    expect(check).toMatchObject({ ok: true });
    expect(check.detail).toMatch(/frozen/);
    expect(await health(rig.deployment.instances[1]!)).toBe('up');
    await injected.revert();
    expect(await health(rig.deployment.instances[0]!)).toBe('up');
  });

  it('restart gives the instance a new process at the same address', async () => {
    const i = rig.deployment.instances[1]!;
    const before = await readMetric(i.url, 'judge_process_start_time_seconds');
    const injected = await make({ type: 'restart', share: 0.5 }).inject({
      ...rig.ctx(),
      instances: () => [i],
    });
    expect(await injected.verify()).toMatchObject({ ok: true });
    expect(await readMetric(i.url, 'judge_process_start_time_seconds')).not.toBe(before);
  });

  it('kill with a duration is verified dead, and revert brings it back', async () => {
    const injected = await make({ type: 'kill', share: 0.5, duration: '5s' }).inject(rig.ctx());
    const check = await injected.verify();
    expect(check).toMatchObject({ ok: true });
    expect(check.detail).toMatch(/dead/);
    expect((await rig.call('/submissions', submission())).status).not.toBe(0);
    await injected.revert();
    expect(await health(rig.deployment.instances[0]!)).toBe('up');
  });

  it('capacity-loss defaults to half of stable and is verified dead', async () => {
    const config = faultSchema.parse({ type: 'capacity-loss' });
    expect(config).toMatchObject({ target: 'stable', share: 0.5 });
    const injected = await createFault(config).inject(rig.ctx());
    expect(await injected.verify()).toMatchObject({ ok: true });
    expect(await health(rig.deployment.instances[0]!)).toBe('refused');
    expect(await health(rig.deployment.instances[1]!)).toBe('up');
    await rig.deployment.instances[0]!.restart!();
  });

  it('an instance fault whose effect does not show is reported not applied', async () => {
    const injected = await make({ type: 'kill', share: 0.5 }).inject({
      ...rig.ctx(),
      instances: () => [{ ...rig.deployment.instances[0]!, kill: async () => undefined }],
    });
    const check = await injected.verify();
    expect(check.ok).toBe(false);
    expect(check.detail).toMatch(/healthz up, expected refused/);
  });

  it('incompatible-migration breaks older versions on the shared store and cannot be reverted', async () => {
    const v1 = await rig.platform.deploy({ version: 'v1', replicas: 1, workers: 1 });
    const injected = await make({ type: 'incompatible-migration' }).inject(rig.ctx());
    expect(await injected.verify()).toMatchObject({ ok: true });
    const res = await fetch(`${v1.instances[0]!.url}/submissions`, submission());
    expect(res.status).toBe(500);
    expect(res.headers.get('x-rehearsal-fault')).toBe('schema-incompatible');
    await injected.revert();
    expect((await fetch(`${v1.instances[0]!.url}/readyz`)).status).toBe(503);
    await v1.stop(500);
  });
});
