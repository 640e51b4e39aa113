import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RealClock } from '../../sim/clock/real-clock.js';
import { TrafficGenerator } from '../../sim/traffic/generator.js';
import type { PlannedRequest } from '../../sim/traffic/schedule.js';
import { trafficDistortion } from '../../sim/verdict/distortion.js';

let server: Server;
let target: string;
beforeAll(async () => {
  server = createServer((_req, res) => res.end('{}'));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  target = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const user = { id: 'u-1', name: 'T', segment: 'regular' as const };
/** `n` GETs evenly over `spanMs`. */
const schedule = (n: number, spanMs: number): PlannedRequest[] =>
  Array.from({ length: n }, (_, seq) => ({
    seq,
    at: ((seq + 1) * spanMs) / (n + 1),
    kind: 'leaderboard',
    user,
    pick: 0,
  }));

function generator(plan: PlannedRequest[], durationMs: number): TrafficGenerator {
  const clock = new RealClock();
  return new TrafficGenerator(plan, {
    target,
    clock,
    timeoutMs: 5000,
    seed: 1,
    durationMs,
    t0: clock.now() + 20,
  });
}

describe('TrafficGenerator schedule keeping', () => {
  it('keeps a light schedule: every request sent, no distortion', async () => {
    const g = generator(schedule(20, 400), 400);
    const stats = await g.run(new AbortController().signal);
    expect(stats).toMatchObject({ planned: 20, sent: 20, notSent: 0 });
    expect(g.records.every((r) => r.status === 200)).toBe(true);
    // Generous limits: a busy shared machine may delay timers by tens of milliseconds.
    expect(trafficDistortion(stats, { maxLagP99Ms: 1000, minAchievedRatio: 0.5 })).toBeNull();
  });

  it('a blocked event loop makes it fall behind, and the run is judged distorted with the lag it measured', async () => {
    const g = generator(schedule(40, 400), 400);
    // Block the generator's own event loop for 300 ms shortly after traffic starts.
    setTimeout(() => {
      const until = Date.now() + 300;
      while (Date.now() < until);
    }, 40);
    const stats = await g.run(new AbortController().signal);
    expect(stats.sent).toBe(40);
    expect(stats.lagMaxMs).toBeGreaterThan(200);
    expect(stats.lagP99Ms).toBeGreaterThan(100);
    const late = g.records.filter((r) => r.sentAt - r.intendedAt > 100);
    expect(late.length).toBeGreaterThan(5);
    // Latency counts from the intended send time, so the blocked time is in it (no coordinated omission).
    for (const r of late) expect(r.latencyMs).toBeGreaterThanOrEqual(r.sentAt - r.intendedAt);
    expect(trafficDistortion(stats)).toMatch(/send lag p99 \d+ ms \(max \d+ ms\) > 100 ms/);
  });

  it('an aborted run reports the requests it did not send', async () => {
    const g = generator(schedule(40, 2000), 2000);
    const abort = new AbortController();
    setTimeout(() => abort.abort(), 300);
    const stats = await g.run(abort.signal);
    expect(stats.notSent).toBeGreaterThan(20);
    expect(trafficDistortion(stats)).toContain(`${stats.notSent} of 40 planned requests not sent`);
  });
});
