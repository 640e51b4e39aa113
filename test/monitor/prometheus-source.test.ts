import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RealClock } from '../../sim/clock/real-clock.js';
import { routerMetrics } from '../../sim/monitor/metric-names.js';
import { PrometheusApi, PrometheusSource } from '../../sim/monitor/prometheus.js';
import {
  findPrometheus,
  type PrometheusServer,
  startPrometheus,
} from '../../sim/monitor/prometheus-server.js';
import { defaultPromQL } from '../../sim/monitor/promql.js';
import { nullLogger } from '../../sim/util/logger.js';

const binary = findPrometheus();

/** A real Prometheus scraping a real HTTP /metrics: v2 serves 20 requests a second, 2 of them 500s. */
describe.skipIf(!binary)('a real Prometheus as the monitoring source', () => {
  let server: Server;
  let prom: PrometheusServer;
  let source: PrometheusSource;
  const started = Date.now();

  beforeAll(async () => {
    server = createServer((_, res) => {
      const s = (Date.now() - started) / 1000;
      res.end(
        [
          `${routerMetrics.requests}{version="v2",instance="v2-0",code="200"} ${Math.floor(18 * s)}`,
          `${routerMetrics.requests}{version="v2",instance="v2-0",code="500"} ${Math.floor(2 * s)}`,
          '',
        ].join('\n'),
      );
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const { port } = server.address() as { port: number };
    prom = await startPrometheus({ binary: binary!, scrapeIntervalMs: 250 });
    const clock = new RealClock();
    source = new PrometheusSource({
      api: new PrometheusApi(prom.url),
      targetsFile: prom.targetsFile,
      targets: () => [{ url: `http://127.0.0.1:${port}/metrics`, labels: { job: 'router' } }],
      clock: { now: () => Date.now(), sleep: (ms, s) => clock.sleep(ms, s) },
      intervalMs: 250,
      log: nullLogger,
    });
    await source.syncTargets();
    // file_sd picks the file up, then a few scrapes land.
    for (let i = 0; i < 40 && source.scrapes < 8; i++) {
      await sleep(250);
      await source.countScrapes();
    }
  }, 30_000);

  afterAll(async () => {
    await prom?.stop();
    server?.close();
  });

  it('counts the scrapes Prometheus reports', () => {
    expect(source.scrapes).toBeGreaterThanOrEqual(8);
    expect(source.failures).toBe(0);
  });

  it('answers the default error_rate PromQL with the served ratio and the requests it rests on', async () => {
    const r = await source.evaluate(defaultPromQL.error_rate, {
      version: 'v2',
      windowMs: 1500,
      intervalMs: 1000,
    });
    expect(r).toBeDefined();
    expect(r!.value).toBeGreaterThan(0.05);
    expect(r!.value).toBeLessThan(0.15);
    expect(r!.requests).toBeGreaterThan(15);
    // Another version has no series: no data, not zero.
    expect(
      await source.evaluate(defaultPromQL.error_rate, { version: 'v9', windowMs: 1500, intervalMs: 1000 }),
    ).toBe(undefined);
  });

  it('reports a broken query as an error naming Prometheus’s reason', async () => {
    await expect(
      source.evaluate({ value: 'sum(rate(x[5m]' }, { version: 'v2', windowMs: 1000, intervalMs: 1000 }),
    ).rejects.toThrow(/Prometheus rejected the query \(bad_data\)/);
  });

  it('stale-metrics cuts the end off the window, wrong-labels asks for a version that is not there', async () => {
    const ask = (windowMs: number) =>
      source.evaluate(defaultPromQL.error_rate, { version: 'v2', windowMs, intervalMs: 1000 });
    source.distortion.delayMs = 1500;
    expect(await ask(1500)).toBe(undefined);
    // Half of a 3 s window is left: still data, from its older half.
    expect((await ask(3000))?.requests).toBeGreaterThan(5);
    source.distortion.delayMs = 0;
    source.distortion.relabel = (l) => (l.version === 'v2' ? { ...l, version: 'v2-mislabelled' } : l);
    expect(await ask(1500)).toBe(undefined);
    delete source.distortion.relabel;
  });

  it('metrics-down: no answer at once, and every scrape fails once the targets point nowhere', async () => {
    source.distortion.down = true;
    // The controller is blind at once; Prometheus fails its scrapes once it has applied the new targets.
    expect(
      await source.evaluate(defaultPromQL.error_rate, { version: 'v2', windowMs: 3000, intervalMs: 1000 }),
    ).toBe(undefined);
    await source.syncTargets();
    const before = source.failures;
    for (let i = 0; i < 48 && source.failures < before + 3; i++) {
      await sleep(250);
      await source.countScrapes();
    }
    expect(source.failures).toBeGreaterThanOrEqual(before + 3);
    source.distortion.down = false;
  }, 20_000);

  it('stops: the process is gone and its tsdb removed', async () => {
    const dir = dirname(prom.targetsFile);
    expect(existsSync(dir)).toBe(true);
    await prom.stop();
    expect(() => process.kill(prom.pid, 0)).toThrow();
    expect(existsSync(dir)).toBe(false);
  });
});
