import { describe, expect, it } from 'vitest';
import { arrivalsWithin, k6Executor } from '../../../sim/traffic/k6/profile.js';

const constant = { type: 'constant', rate: 40, durationMs: 30_000 } as const;
const ramp = { type: 'ramp', from: 0, to: 10, durationMs: 10_000 } as const;

describe('arrivalsWithin', () => {
  it('counts constant-arrival-rate iterations: one at once, then one every 1/rate', () => {
    expect(arrivalsWithin(constant, 0)).toBe(0);
    expect(arrivalsWithin(constant, 1)).toBe(1);
    expect(arrivalsWithin(constant, 25)).toBe(1);
    expect(arrivalsWithin(constant, 25.001)).toBe(2);
    expect(arrivalsWithin(constant, 200)).toBe(8);
    expect(arrivalsWithin(constant, 60_000)).toBe(1200);
  });

  it('counts ramping-arrival-rate iterations where the area under the rate reaches 1, 2, …', () => {
    // area(t) = t²/2 for 0→10/s over 10 s: the first iteration at √2 s, the second at 2 s.
    expect(arrivalsWithin(ramp, 1414)).toBe(0);
    expect(arrivalsWithin(ramp, 1415)).toBe(1);
    expect(arrivalsWithin(ramp, 2000)).toBe(1);
    expect(arrivalsWithin(ramp, 2001)).toBe(2);
    expect(arrivalsWithin(ramp, 10_000)).toBe(49);
  });
});

describe('k6Executor', () => {
  const traffic = {
    profile: { type: 'constant' as const, rate: 40 },
    duration: 30_000,
    timeout: 10_000,
    slowMs: 1000,
  };

  it('pre-allocates VUs for the peak rate at the slow-request latency, and allows up to rate × timeout', () => {
    const e = k6Executor(traffic as never);
    expect(e).toMatchObject({
      executor: 'constant-arrival-rate',
      rate: 40,
      timeUnit: '1s',
      preAllocatedVUs: 80,
      maxVUs: 480,
      gracefulStop: '12000ms',
    });
  });

  it('stretches the time unit so a fractional rate stays whole', () => {
    expect(k6Executor({ ...traffic, profile: { type: 'constant', rate: 0.25 } } as never)).toMatchObject({
      rate: 25,
      timeUnit: '100s',
    });
    expect(k6Executor({ ...traffic, profile: { type: 'constant', rate: 1 / 3 } } as never)).toMatchObject({
      rate: 333,
      timeUnit: '1000s',
    });
  });
});
