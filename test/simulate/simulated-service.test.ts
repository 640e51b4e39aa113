import { describe, expect, it } from 'vitest';
import { Queries } from '../../sim/monitor/queries.js';
import { MetricStore } from '../../sim/monitor/store.js';
import { LatencyModel } from '../../sim/simulate/latency.js';
import { defaultModel } from '../../sim/simulate/model.js';
import { SimulatedService } from '../../sim/simulate/simulated-service.js';
import { Random } from '../../sim/util/random.js';
import { shipped } from './helpers.js';

const traffic = {
  ...shipped('scenarios/canary-healthy.yaml').traffic,
  duration: 600_000,
  profile: { type: 'constant' as const, rate: 100 },
};

function run(
  setup: (s: SimulatedService) => void,
  model = defaultModel,
): { service: SimulatedService; queries: Queries } {
  const service = new SimulatedService(model, traffic, new Random(9), 1000);
  const store = new MetricStore();
  setup(service);
  for (let t = 5000; t <= traffic.duration; t += 5000) {
    service.advanceTo(t);
    store.add(t, service.samples());
  }
  return { service, queries: new Queries(store) };
}

describe('SimulatedService', () => {
  it('sends rate × duration requests split by the weights in force, visible to monitoring as router counters', () => {
    const { service, queries } = run((s) => {
      s.setInstances('v1', 2);
      s.setInstances('v2', 2);
      s.setRoute({ v1: 80, v2: 20 }, { v1: 2, v2: 2 });
    });
    expect(Math.abs(service.sent - 60_000)).toBeLessThan(4 * Math.sqrt(60_000));
    const v2 = queries.metric('request_rate', 'v2', 0, traffic.duration)!;
    expect(v2.value).toBeGreaterThan(18);
    expect(v2.value).toBeLessThan(22);
    expect(queries.errorRate('v1', 0, traffic.duration)!.value).toBe(0);
  });

  it('turns an error effect into 5xx on submissions and leaderboard reads, and counts marked responses', () => {
    const { service, queries } = run((s) => {
      s.setInstances('v1', 2);
      s.setRoute({ v1: 100 }, { v1: 2 });
      s.addEffect('v1', { errorRate: 0.1, marker: 'http-errors' });
    });
    const rate = queries.errorRate('v1', 0, traffic.duration)!.value;
    expect(rate).toBeGreaterThan(0.085 * 0.9);
    expect(rate).toBeLessThan(0.085 * 1.1);
    expect(service.marked('v1', 'http-errors')).toBeGreaterThan(0);
    const truth = service.truth.reduce((s, c) => s + c.failed, 0);
    expect(truth).toBe(service.marked('v1', 'http-errors'));
  });

  it('reports latency the router way: the p50 from histogram buckets matches the model within a bucket', () => {
    const { queries } = run((s) => {
      s.setInstances('v1', 4);
      s.setRoute({ v1: 100 }, { v1: 4 });
    });
    const p50 = queries.latencyQuantile('v1', 0.5, 0, traffic.duration)!.value;
    const cdf = new LatencyModel(defaultModel, traffic.mix, traffic.slowMs).cdf(
      p50,
      1 / (1 - 100 / (4 * defaultModel.capacity.perInstanceRps)),
      0,
    );
    expect(cdf).toBeGreaterThan(0.4);
    expect(cdf).toBeLessThan(0.6);
  });

  it('times out the excess of an overloaded version (504) and answers 503 when its pool is empty', () => {
    const small = { ...defaultModel, capacity: { perInstanceRps: 25 } };
    const { queries } = run((s) => {
      s.setInstances('v1', 2);
      s.setRoute({ v1: 50, v2: 50 }, { v1: 2, v2: 0 });
    }, small);
    expect(queries.errorRate('v1', 0, traffic.duration)!.value).toBeCloseTo(0, 1);
    const { queries: q2 } = run((s) => {
      s.setInstances('v1', 1);
      s.setRoute({ v1: 100 }, { v1: 1 });
    }, small);
    expect(q2.errorRate('v1', 0, traffic.duration)!.value).toBeGreaterThan(0.7);
    expect(queries.errorRate('v2', 0, traffic.duration)!.value).toBe(1);
  });

  it('delays only the share of requests a partial latency effect covers, and marks them', () => {
    const { service, queries } = run((s) => {
      s.setInstances('v1', 2);
      s.setRoute({ v1: 100 }, { v1: 2 });
      s.addEffect('v1', { extraLatencyMs: 700, latencyShare: 0.5, marker: 'latency' });
    });
    // Half the requests take 700 ms more: the median sits near the edge, the p95 well past 700 ms.
    expect(queries.metric('latency_p95_ms', 'v1', 0, traffic.duration)!.value).toBeGreaterThan(700);
    const share = service.marked('v1', 'latency') / service.sent;
    expect(share).toBeGreaterThan(0.48);
    expect(share).toBeLessThan(0.52);
  });

  it('resets connections at the effect rate (counted as errors, code reset), and a version with every instance lost gets 503', () => {
    const { service, queries } = run((s) => {
      s.setInstances('v1', 2);
      s.setInstances('v2', 2);
      s.setRoute({ v1: 50, v2: 50 }, { v1: 2, v2: 2 });
      s.addEffect('v1', { resetRate: 0.2 });
      s.addEffect('v2', { instancesLost: 1 });
    });
    const v1 = queries.errorRate('v1', 0, traffic.duration)!.value;
    expect(v1).toBeGreaterThan(0.18);
    expect(v1).toBeLessThan(0.23);
    expect(queries.errorRate('v2', 0, traffic.duration)!.value).toBe(1);
    const failed = service.truth.filter((c) => c.version === 'v2').reduce((sum, c) => sum + c.failed, 0);
    expect(failed).toBe(
      service.truth.filter((c) => c.version === 'v2').reduce((sum, c) => sum + c.requests, 0),
    );
  });

  it('losing half the instances halves capacity rather than failing requests', () => {
    const lightly = run((s) => {
      s.setInstances('v1', 2);
      s.setRoute({ v1: 100 }, { v1: 2 });
      s.addEffect('v1', { instancesLost: 0.5 });
    });
    expect(lightly.queries.errorRate('v1', 0, traffic.duration)!.value).toBeLessThan(0.01);
  });

  it('sends preview smoke traffic to the preview version: monitoring sees it, user ground truth does not', () => {
    const { service, queries } = run((s) => {
      s.setInstances('v1', 2);
      s.setInstances('v2', 2);
      s.setRoute({ v1: 100, v2: 0 }, { v1: 2, v2: 2 });
      s.setPreview('v2', 10);
      s.addEffect('v2', { errorRate: 0.5, marker: 'http-errors' });
    });
    const v2 = queries.metric('request_rate', 'v2', 0, traffic.duration)!;
    expect(v2.value).toBeGreaterThan(9);
    expect(v2.value).toBeLessThan(11);
    expect(service.truth.some((c) => c.version === 'v2')).toBe(false);
    expect(service.marked('v2', 'http-errors')).toBeGreaterThan(0);
    // The judge service's own POST /submissions counter fails with the errors on submissions.
    const success = queries.metric('submission_success_rate', 'v2', 0, traffic.duration)!.value;
    expect(success).toBeGreaterThan(0.45);
    expect(success).toBeLessThan(0.55);
    expect(queries.metric('submission_success_rate', 'v1', 0, traffic.duration)!.value).toBeGreaterThan(0.98);
  });
});
