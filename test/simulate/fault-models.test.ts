import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../sim/clock/virtual-clock.js';
import { createFault, type Effect, type FaultConfig, faultSchema } from '../../sim/faults/index.js';
import { SimulatedFaults } from '../../sim/simulate/simulated-faults.js';
import type { SimulatedService } from '../../sim/simulate/simulated-service.js';
import { unsupportedReason } from '../../sim/simulate/support.js';
import { Timeline } from '../../sim/vocabulary/timeline.js';
import { shipped, variant } from './helpers.js';

const supported =
  'http-errors, latency, wrong-verdicts, kill, capacity-loss, net-latency, reset, partition, scrape-gap, stale-metrics, metrics-down, wrong-labels';

describe('what the simulator models, read from the registries', () => {
  it('skips a fault kind whose faultKinds entry has no model, naming those that have one in catalogue order', () => {
    expect(unsupportedReason(shipped('scenarios/canary-pause.yaml'))).toBe(
      `fault type(s) pause have no simulation model (simulate supports: ${supported})`,
    );
  });

  it('models wrong verdicts on chosen problems (the service splits verdicts by problem)', () => {
    const chosen = variant('scenarios/canary-wrong-verdicts.yaml', (raw) => {
      raw.faults = [{ type: 'wrong-verdicts', problems: ['binary-search'] }];
    });
    expect(unsupportedReason(chosen)).toBeUndefined();
    expect(unsupportedReason(shipped('scenarios/canary-wrong-verdicts.yaml'))).toBeUndefined();
  });

  it('skips a threshold check on a metric metricCatalog does not mark simulated', () => {
    expect(unsupportedReason(shipped('scenarios/canary-memory-leak.yaml'))).toBe(
      'check metric memory_rss_mb has no simulation model (modelled: error_rate, request_rate, latency_p50_ms, latency_p95_ms, latency_p99_ms, acceptance_rate, submission_success_rate)',
    );
  });

  it("applies each model's effect on the affected share, marked with the live fault's own marker", () => {
    const added: Effect[] = [];
    const service = {
      addEffect: (_version: string, e: Effect) => {
        added.push(e);
        return () => undefined;
      },
    } as unknown as SimulatedService;
    const configs = [
      { type: 'latency', ms: 300, mode: 'tail', requests: 0.1, share: 0.5 },
      { type: 'http-errors', rate: 0.2, share: 0.5 },
      { type: 'kill', share: 0.5 },
      { type: 'net-latency', ms: 50, share: 0.5 },
    ].map((c) => faultSchema.parse(c) as FaultConfig);
    const clock = new VirtualClock();
    new SimulatedFaults(configs, { stable: 'v1', candidate: 'v2' }, service, new Set(['v2']), {
      clock,
      timeline: new Timeline(clock),
      replicas: 3,
      advance: () => undefined,
    }).injectDue();
    // Half of 3 replicas rounds to 2: two thirds of the version is hit; network faults hit all of it.
    expect(added).toEqual([
      { extraLatencyMs: 300, latencyShare: 0.1 * (2 / 3), marker: createFault(configs[0]!).marker },
      { errorRate: 0.2 * (2 / 3), marker: 'http-errors' },
      { instancesLost: 2 / 3 },
      { extraLatencyMs: 50 },
    ]);
    expect(added[0]!.marker).toBe('tail-latency');
  });
});
