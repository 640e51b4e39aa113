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

  it('serves a verdict series per corpus problem at 0 from the first scrape, and no other problem', async () => {
    const metrics = new Metrics('v1', ['two-sum', 'fizz-buzz'], () => 0);
    try {
      const judged = (await metrics.registry.getMetricsAsJSON()).find(
        (m) => m.name === judgeMetrics.submissionsJudged,
      )!;
      const values = judged.values as { labels: Record<string, string | number>; value: number }[];
      expect(new Set(values.map((v) => v.labels.problem))).toEqual(new Set(['two-sum', 'fizz-buzz']));
      expect(values.filter((v) => v.labels.problem === 'two-sum' && v.labels.verdict === 'accepted')).toEqual(
        [expect.objectContaining({ value: 0 })],
      );
      expect(values.every((v) => v.value === 0)).toBe(true);
    } finally {
      metrics.close();
    }
  });
});
