import { describe, expect, it } from 'vitest';
import { trafficDistortion } from '../../sim/verdict/distortion.js';
import type { TrafficStats } from '../../sim/vocabulary/traffic-stats.js';

const kept: TrafficStats = {
  planned: 1200,
  sent: 1200,
  notSent: 0,
  targetRate: 40,
  achievedRate: 40,
  lagP99Ms: 3,
  lagMaxMs: 12,
};

describe('trafficDistortion', () => {
  it('is null when the schedule was kept', () => {
    expect(trafficDistortion(kept)).toBeNull();
    expect(trafficDistortion({ ...kept, achievedRate: 39.7, lagP99Ms: 100 })).toBeNull();
  });

  it('names requests not sent', () => {
    expect(trafficDistortion({ ...kept, sent: 1150, notSent: 50 })).toContain(
      '50 of 1200 planned requests not sent',
    );
  });

  it('names the achieved rate against the target', () => {
    const why = trafficDistortion({ ...kept, achievedRate: 30 });
    expect(why).toContain('achieved 30.0 req/s of 40.0 req/s target (75.0% < 99%)');
  });

  it('names the send lag p99 and max', () => {
    const why = trafficDistortion({ ...kept, lagP99Ms: 250.4, lagMaxMs: 480 });
    expect(why).toBe(
      'traffic generator fell behind its schedule: send lag p99 250 ms (max 480 ms) > 100 ms behind schedule',
    );
  });

  it('names every broken limit at once, and k6 dropped iterations', () => {
    const why = trafficDistortion({
      ...kept,
      notSent: 1,
      sent: 1199,
      achievedRate: 10,
      lagP99Ms: 500,
      droppedIterations: 7,
    });
    expect(why?.split('; ')).toHaveLength(4);
    expect(why).toContain('k6 dropped 7 iterations');
  });

  it('takes other limits', () => {
    expect(
      trafficDistortion({ ...kept, lagP99Ms: 20 }, { maxLagP99Ms: 10, minAchievedRatio: 0.5 }),
    ).toContain('lag p99 20 ms');
  });
});
