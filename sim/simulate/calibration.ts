import { RealClock } from '../clock/real-clock.js';
import type { Platform } from '../platform/platform.js';
import { RouterClient } from '../router-client/client.js';
import { RouteEditor } from '../router-client/route-editor.js';
import type { Scenario } from '../scenario/schema.js';
import { loadCorpus } from '../traffic/corpus.js';
import { TrafficGenerator } from '../traffic/generator.js';
import { isFailed, isWrongVerdict, type RequestKind, type RequestRecord } from '../traffic/record.js';
import { planTraffic } from '../traffic/schedule.js';
import { makeUsers } from '../traffic/users.js';
import { paths } from '../util/paths.js';
import { type ServiceModel, serviceModelSchema } from './model.js';

/** How to measure the service. */
export interface CalibrationOptions {
  rate: number;
  durationMs: number;
  replicas: number;
  workers: number;
  seed: number;
  signal: AbortSignal;
}

function quantileOf(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? 0;
}

/** Median, p95 and error rate of one kind of request from client records. */
export function fitKind(records: RequestRecord[]): {
  medianMs: number;
  p95Ms: number;
  errorRate: number;
  samples: number;
} {
  const ok = records
    .filter((r) => !isFailed(r))
    .map((r) => r.latencyMs)
    .sort((a, b) => a - b);
  const medianMs = Math.max(0.1, quantileOf(ok, 0.5));
  const round = (v: number) => Math.round(v * 10) / 10;
  return {
    medianMs: round(medianMs),
    p95Ms: round(Math.max(medianMs * 1.01, quantileOf(ok, 0.95))),
    errorRate: records.length ? records.filter(isFailed).length / records.length : 0,
    samples: records.length,
  };
}

/**
 * Measures the judge service on a started platform: deploy time, latency per kind of request and
 * base error rate at a modest open-model load through the real router, and the scrape time of the
 * router's /metrics. Capacity is estimated from the submit service time and the worker count.
 */
export async function calibrate(platform: Platform, opts: CalibrationOptions): Promise<ServiceModel> {
  const clock = new RealClock();
  const endpoint = await platform.startRouter();
  const router = new RouteEditor(new RouterClient(endpoint.adminUrl, endpoint.token));
  const deployStart = clock.now();
  const stable = await platform.deploy({ version: 'v1', replicas: opts.replicas, workers: opts.workers });
  const deployMs = clock.now() - deployStart;
  await router.update((t) => {
    t.pools = { v1: stable.instances.map((i) => ({ id: i.id, url: i.routerUrl })) };
    t.weights = { v1: 100 };
  });
  const traffic = {
    profile: { type: 'constant', rate: opts.rate },
    duration: opts.durationMs,
    arrivals: 'poisson',
    mix: { submit: 0.8, poll: 0.15, leaderboard: 0.05 },
    users: 200,
    timeout: 10_000,
    slowMs: 1000,
    settle: 0,
  } as Scenario['traffic'];
  const schedule = planTraffic(
    traffic,
    opts.seed,
    makeUsers(traffic.users, opts.seed),
    loadCorpus(paths.problems),
  );
  const generator = new TrafficGenerator(schedule, {
    target: endpoint.url,
    clock,
    timeoutMs: traffic.timeout,
    seed: opts.seed,
    durationMs: traffic.duration,
    t0: clock.now(),
  });
  await generator.run(opts.signal);
  const byKind = (k: RequestKind) => generator.records.filter((r) => r.kind === k);
  const submits = byKind('submit');
  const judged = submits.filter((r) => r.verdict != null);
  const submit = fitKind(submits);
  const meanSubmitMs = submits.reduce((s, r) => s + r.latencyMs, 0) / Math.max(1, submits.length);
  const scrapeMs: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t = clock.now();
    await (await fetch(`${endpoint.adminUrl}/metrics`)).text();
    scrapeMs.push(clock.now() - t);
  }
  scrapeMs.sort((a, b) => a - b);
  return serviceModelSchema.parse({
    schemaVersion: 1,
    source: 'calibrate',
    measuredAt: new Date(clock.now()).toISOString(),
    platform: platform.name,
    kinds: { submit, poll: fitKind(byKind('poll')), leaderboard: fitKind(byKind('leaderboard')) },
    wrongVerdictRate: judged.length ? judged.filter(isWrongVerdict).length / judged.length : 0,
    // Each worker judges one submission at a time; polls and leaderboard reads are cheap beside them.
    capacity: {
      perInstanceRps: Math.round(((opts.workers * 1000) / Math.max(1, meanSubmitMs) / 0.8) * 10) / 10,
    },
    deployMs: Math.round(deployMs),
    monitoring: { lagMs: Math.round(scrapeMs[2]!), gapProbability: 0 },
    calibration: {
      rate: opts.rate,
      durationMs: opts.durationMs,
      replicas: opts.replicas,
      workers: opts.workers,
      requests: generator.records.length,
      seed: opts.seed,
    },
  });
}
