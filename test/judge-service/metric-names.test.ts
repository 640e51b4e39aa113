import { describe, expect, it } from 'vitest';
import { Metrics } from '../../fixtures/judge-service/src/metrics.js';
import { judgeMetrics } from '../../sim/monitor/metric-names.js';

// The judge service imports nothing from sim/, so it spells its metric names itself: they must be the ones the
// harness's queries, fault probes and benches read.
describe('judge service metric names', () => {
  it('its registry serves every name in judgeMetrics', async () => {
    const metrics = new Metrics('v1', ['two-sum'], () => 0);
    try {
      const served = (await metrics.registry.getMetricsAsJSON()).map((m) => m.name);
      for (const name of Object.values(judgeMetrics)) expect(served, name).toContain(name);
    } finally {
      metrics.close();
    }
  });
});
