import { rmSync } from 'node:fs';
import { RealClock } from '../../sim/clock/real-clock.js';
import type { FaultContext } from '../../sim/faults/index.js';
import { Scraper } from '../../sim/monitor/scraper.js';
import { MetricStore } from '../../sim/monitor/store.js';
import { LocalPlatform } from '../../sim/platform/local/local-platform.js';
import type { Deployment, RouterEndpoint } from '../../sim/platform/platform.js';
import { RouterClient } from '../../sim/router-client/client.js';
import { RouteEditor } from '../../sim/router-client/route-editor.js';
import { nullLogger } from '../../sim/util/logger.js';
import { tempDir } from '../helpers/temp-dir.js';

/** A real judge service deployment (built from dist/) behind a real router, with a scraper: what faults act on. */
export interface Rig {
  platform: LocalPlatform;
  endpoint: RouterEndpoint;
  router: RouteEditor;
  deployment: Deployment;
  scraper: Scraper;
  store: MetricStore;
  ctx(): FaultContext;
  /** Sends one request through the router; returns status (0 on no response) and the fault marker. */
  call(
    path: string,
    init?: RequestInit,
  ): Promise<{ status: number; fault: string | null; body: string; ms: number }>;
  close(): Promise<void>;
}

/** Starts the rig: `replicas` instances of v2 taking all traffic, scraped every 200 ms. */
export async function startRig(replicas = 1): Promise<Rig> {
  const workdir = tempDir('rehearsal-faults-');
  const platform = new LocalPlatform();
  const abort = new AbortController();
  await platform.start({ runId: 'test', workdir, log: nullLogger, signal: abort.signal });
  const endpoint = await platform.startRouter();
  const router = new RouteEditor(new RouterClient(endpoint.adminUrl, endpoint.token));
  const deployment = await platform.deploy({ version: 'v2', replicas, workers: 1 });
  await router.update((t) => {
    t.pools = { v2: deployment.instances.map((i) => ({ id: i.id, url: i.routerUrl })) };
    t.weights = { v2: 100 };
  });
  const clock = new RealClock();
  const store = new MetricStore();
  const scraper = new Scraper(
    store,
    () => [
      { url: `${endpoint.adminUrl}/metrics`, labels: { job: 'router' } },
      ...deployment.instances.map((i) => ({
        url: `${i.url}/metrics`,
        labels: { job: 'judge', version: 'v2', instance: i.id },
      })),
    ],
    clock,
    200,
    nullLogger,
  );
  const scraping = scraper.run(abort.signal);
  return {
    platform,
    endpoint,
    router,
    deployment,
    scraper,
    store,
    ctx: () => ({
      clock,
      log: nullLogger,
      version: 'v2',
      instances: () => deployment.instances,
      router,
      scraper,
      serviceToken: platform.adminToken,
      signal: abort.signal,
    }),
    async call(path, init) {
      const started = Date.now();
      try {
        const res = await fetch(`${endpoint.url}${path}`, { ...init, signal: AbortSignal.timeout(4000) });
        const body = await res.text();
        return {
          status: res.status,
          fault: res.headers.get('x-rehearsal-fault'),
          body,
          ms: Date.now() - started,
        };
      } catch {
        return { status: 0, fault: null, body: '', ms: Date.now() - started };
      }
    },
    async close() {
      abort.abort();
      await scraping;
      await platform.dispose();
      rmSync(workdir, { recursive: true, force: true });
    },
  };
}

/** A submission body the judge accepts. */
export function submission(problem = 'two-sum'): RequestInit {
  return {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      problem_id: problem,
      source_code: 'function twoSum(){ return [0,1]; }',
      language_id: 63,
      user_id: 'u-1',
    }),
  };
}
