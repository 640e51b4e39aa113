import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../sim/clock/virtual-clock.js';
import { judgeMetrics } from '../../sim/monitor/metric-names.js';
import { MetricStore } from '../../sim/monitor/store.js';
import { routerMetrics } from '../../sim/router/metric-names.js';
import { SimulatedMonitoring } from '../../sim/simulate/simulated-monitoring.js';
import { SimulatedService } from '../../sim/simulate/simulated-service.js';
import { Random } from '../../sim/util/random.js';
import { shipped, testModel } from './helpers.js';

const scenario = shipped('scenarios/canary-error-spike.yaml');
const model = testModel();

/** Every series' samples of a store, as (series, time, value) rows, after scraping the same traffic with `lagMs`. */
async function scraped(lagMs: number): Promise<string[]> {
  const clock = new VirtualClock();
  const service = new SimulatedService(model, scenario.traffic, new Random(7), 1000);
  service.setInstances('v1', 2);
  service.setInstances('v2', 2);
  service.setRoute({ v1: 80, v2: 20 }, { v1: 2, v2: 2 });
  const store = new MetricStore();
  const monitoring = new SimulatedMonitoring(
    service,
    store,
    clock,
    () => clock.now(),
    { scrapeIntervalMs: 1000, lagMs, gapProbability: 0 },
    new Random(1),
  );
  const stop = new AbortController();
  await clock.run(
    Promise.all([
      monitoring.run(stop.signal),
      (async () => {
        // A new series (v2's 500s) appears part-way, so scrapes' arrays change length and layout.
        await clock.sleep(4500);
        service.addEffect('v2', { errorRate: 0.5 });
        // Past the last scrape's lag, so that every scrape taken is stored.
        await clock.sleep(20_000 - 4500 + lagMs + 1);
        stop.abort();
      })(),
    ]),
  );
  const rows: string[] = [];
  for (const name of [
    routerMetrics.requests,
    judgeMetrics.submissionsJudged,
    `${routerMetrics.requestDuration}_bucket`,
  ])
    for (const s of store.select(name))
      for (let i = 0; i < s.t.length && s.t[i]! <= 20_000; i++)
        rows.push(`${name}${JSON.stringify(s.labels)} ${s.t[i]} ${s.v[i]}`);
  return rows.sort();
}

describe('SimulatedMonitoring', () => {
  it('stores each scrape as it was taken, whether it arrives at once or after later scrapes were taken', async () => {
    const now = await scraped(0);
    // Samples three scrape intervals late: three scrapes are in flight at once, each in its own array.
    const late = await scraped(3500);
    expect(now.length).toBeGreaterThan(200);
    expect(now.some((r) => r.includes('"code":"500"') && r.includes('"version":"v2"'))).toBe(true);
    expect(late).toEqual(now);
  });

  it('reuses a sample object for the same series and makes one for a new series', () => {
    const service = new SimulatedService(model, scenario.traffic, new Random(3), 1000);
    service.setInstances('v1', 2);
    service.setRoute({ v1: 100 }, { v1: 2 });
    service.advanceTo(5000);
    const out = service.samples();
    const first = [...out];
    const requests = out.find((s) => s.name === routerMetrics.requests)!.value;
    service.advanceTo(10_000);
    expect(service.samples(out)).toBe(out);
    expect(out.slice(0, first.length).every((s, i) => s === first[i])).toBe(true);
    expect(out.find((s) => s.name === routerMetrics.requests)!.value).toBeGreaterThan(requests);
    // Into a fresh array: the same samples, as new objects.
    const fresh = service.samples();
    expect(fresh).toEqual(out);
    expect(fresh[0]).not.toBe(out[0]);
  });
});
