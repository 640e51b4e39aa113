import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RealClock } from '../../../sim/clock/real-clock.js';
import { loadScenarios } from '../../../sim/scenario/load.js';
import { planFor } from '../../../sim/traffic/k6/export.js';
import { K6Driver } from '../../../sim/traffic/k6/k6-driver.js';
import type { RequestRecord } from '../../../sim/traffic/record.js';
import { nullLogger } from '../../../sim/util/logger.js';
import { paths } from '../../../sim/util/paths.js';
import { type FakeK6Config, installFakeK6 } from './fake-k6.js';

const tmp = mkdtempSync(join(tmpdir(), 'rehearsal-k6-driver-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const loaded = loadScenarios([join(paths.scenarios, 'canary-error-spike.yaml')], process.cwd())[0]!;
const schedule = planFor(loaded);

function driverFor(name: string, config: FakeK6Config) {
  const workdir = join(tmp, name);
  const fake = installFakeK6(join(tmp, `${name}-k6`), config);
  const clock = new RealClock();
  const seen: RequestRecord[] = [];
  const driver = new K6Driver({
    k6: fake.k6,
    loaded,
    schedule,
    workdir,
    target: 'http://127.0.0.1:9',
    clock,
    t0: clock.now(),
    log: nullLogger,
    onRecord: (r) => seen.push(r),
  });
  return { driver, workdir, fake, seen, clock, t0: clock.now() };
}

describe('K6Driver (against a stand-in k6 binary)', () => {
  it('exports the script into the scenario folder, runs k6 and returns its records and stats', async () => {
    const { driver, workdir, seen } = driverFor('full', { send: 20, dropped: 3, exitCode: 99 });
    const { records, stats } = await driver.run(new AbortController().signal);
    for (const f of ['canary-error-spike.k6.js', 'canary-error-spike.data.json', 'k6.ndjson', 'k6.log'])
      expect(existsSync(join(workdir, f))).toBe(true);
    expect(records.map((r) => r.seq)).toEqual(schedule.slice(0, 20).map((p) => p.seq));
    expect(seen).toEqual(records);
    expect(records[1]!.intendedAt - records[0]!.intendedAt).toBe(25);
    expect(records[0]!.intendedAt).toBeGreaterThanOrEqual(0);
    expect(records[0]!.intendedAt).toBeLessThan(10_000);
    expect(stats).toMatchObject({
      driver: 'k6',
      sent: 20,
      planned: 1200,
      notSent: 1180,
      droppedIterations: 3,
      thresholdsFailed: true,
      lagMaxMs: 2,
    });
  });

  it('stops k6 where the release says traffic ends, counting only arrivals before that as planned', async () => {
    const { driver, fake, clock, t0 } = driverFor('stopped', { send: 8, hang: true });
    const running = driver.run(new AbortController().signal);
    await expect.poll(fake.running, { timeout: 10_000 }).toBe(true);
    const endAt = clock.now() - t0 + 50;
    driver.stopAt(endAt);
    const { records, stats } = await running;
    expect(records).toHaveLength(8);
    const planned = Math.floor((endAt * 40) / 1000 - 1e-9) + 1;
    expect(stats).toMatchObject({
      planned,
      sent: 8,
      notSent: Math.max(0, planned - 8),
      thresholdsFailed: false,
      droppedIterations: 0,
    });
  });

  it('stops k6 when the run is interrupted', async () => {
    const { driver, fake } = driverFor('interrupted', { send: 3, hang: true });
    const abort = new AbortController();
    const running = driver.run(abort.signal);
    await expect.poll(fake.running, { timeout: 10_000 }).toBe(true);
    abort.abort();
    const { records } = await running;
    expect(records).toHaveLength(3);
  });
});
