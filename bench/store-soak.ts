// Soak of the judge service's shared store: several instances on one SQLite file (seeded with many judged rows),
// open-model traffic, and each instance's worst event-loop delay. Used by store-soak-bench.ts and by a short test.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { prng } from '../fixtures/judge-service/src/faults.js';
import { judgeMetrics } from '../sim/monitor/metric-names.js';
import { Processes } from './procs.js';

const HERE = dirname(fileURLToPath(import.meta.url));
// dist/bench/ when compiled, bench/ when a test imports the source.
const ROOT = basename(dirname(HERE)) === 'dist' ? resolve(HERE, '../..') : resolve(HERE, '..');
const MAIN = join(ROOT, 'dist/fixtures/judge-service/src/main.js');
const PROBLEMS = join(ROOT, 'fixtures/problems');

/** What one soak run does; every field has a default (see DEFAULT_SOAK). */
export interface SoakOptions {
  durationMs: number;
  /** Requests per second over all instances, sent on schedule whatever the answers (open model). */
  rate: number;
  instances: number;
  /** Sandbox workers per instance. */
  workers: number;
  /** Judged rows written before the run, so that unindexed queries would show. */
  seedRows: number;
  /** Distinct users; one of them (`flooder`) sends a third of the submissions. */
  users: number;
  /** The stall the run must stay under, in milliseconds. */
  maxStallMs: number;
  seed: number;
  /** The service's compiled entry point: this build's, or another build's to compare with. */
  main: string;
}

/** The load: four instances, 40 req/s, 53k rows, ten minutes. */
export const DEFAULT_SOAK: SoakOptions = {
  durationMs: 600_000,
  rate: 40,
  instances: 4,
  workers: 1,
  seedRows: 53_000,
  users: 40,
  maxStallMs: 250,
  seed: 1,
  main: MAIN,
};

/** What a soak run measured. */
export interface SoakReport {
  options: SoakOptions;
  requests: { sent: number; byStatus: Record<string, number>; transportErrors: number };
  /** Client latency from the intended send time, in milliseconds. */
  latencyMs: { p50: number; p99: number; max: number; overStallLimit: number };
  /** Per instance: worst event-loop delay since start (start-up included) and stalled seconds under traffic. */
  eventLoop: { instance: string; maxMs: number; stalledSeconds: number }[];
  /** Store write tries under traffic, and those that held an event loop past the limit (the store's own stalls). */
  storeWrites: { total: number; overLimit: number };
  worstStallMs: number;
  /** Seconds, summed over instances, whose worst event-loop delay passed the limit during the measured traffic. */
  stalledSeconds: number;
  /** Per instance and per 5 s of measured traffic: the seconds that stalled past the limit, to see when. */
  series: { atS: number; stalledSeconds: number[]; controlMaxMs: number }[];
  /**
   * Stalled seconds outside the 5 s windows in which this process's own loop stalled past the limit too: a
   * stall every process sees at once is the machine starving them (CPU), not the store. The pass criterion.
   */
  unexplainedStalledSeconds: number;
  /** This process's own worst event-loop delay: what the machine alone (CPU starvation) did to a loop. */
  controlMaxMs: number;
  /** Acknowledged submissions still without a verdict once traffic stopped and the drain wait ended. */
  undrained: number;
  judged: number;
  /** Log lines of the instances that mention a locked database or a failed store operation. */
  storeComplaints: string[];
  /** Every check that failed; empty when the run passed. */
  failures: string[];
}

interface Instance {
  name: string;
  url: string;
  output: string[];
}

const quantile = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? 0;

function solutions(): { problem: string; source: string }[] {
  return readdirSync(PROBLEMS).flatMap((problem) =>
    ['accepted.js', 'wrong-answer.js'].map((file) => ({
      problem,
      source: readFileSync(join(PROBLEMS, problem, 'solutions', file), 'utf8'),
    })),
  );
}

// The build under test creates its own schema (one instance started and stopped), then the rows go in.
async function seed(db: string, options: SoakOptions): Promise<void> {
  const once = new Processes();
  try {
    await start(once, db, 'soak-schema', options);
  } finally {
    await once.stopAll();
  }
  const rows = options.seedRows;
  const raw = new Database(db);
  const insert = raw.prepare(
    `INSERT INTO submissions (token, problem_id, user_id, language_id, source_code, state, status_id, verdict,
       received_by, judged_by, created_at, finished_at, attempts)
     VALUES (?, 'two-sum', ?, 63, 'x', 'done', 3, 'accepted', 'seed', 'seed', ?, ?, 1)`,
  );
  raw.transaction(() => {
    for (let i = 0; i < rows; i++) insert.run(`seed-${i}`, `seed-user-${i % 500}`, i, i + 1);
  })();
  raw.close();
}

function start(procs: Processes, db: string, name: string, options: SoakOptions): Promise<Instance> {
  const child = procs.start(process.execPath, [
    options.main,
    ...['--port', '0', '--db', db, '--workers', String(options.workers), '--instance', name],
    ...['--version', name.endsWith('0') ? 'v2' : 'v1', '--exit-on-stdin-close'],
  ]);
  const output: string[] = [];
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n').filter(Boolean)) {
        output.push(line);
        if (line.includes('"msg":"listening"'))
          resolve({ name, url: `http://127.0.0.1:${JSON.parse(line).port}`, output });
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`${name} exited with ${code}:\n${output.join('\n')}`)));
  });
}

// The histogram's buckets (loop-delay.ts): the limit is counted at the largest one not above it.
const BUCKETS = [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

interface LoopDelay {
  instance: string;
  maxMs: number;
  /** Seconds since start whose worst delay passed the limit's bucket. */
  stalled: number;
  /** Store write tries since start that held the event loop past the limit's bucket. */
  slowWrites: number;
  /** Store write tries since start. */
  writes: number;
}

// An instance that does not answer within 5 s reads as NaN (the report shows it) rather than ending the run.
async function loopDelay(i: Instance, limitMs: number): Promise<LoopDelay> {
  const text = await fetch(`${i.url}/metrics`, { signal: AbortSignal.timeout(5000) })
    .then((r) => r.text())
    .catch(() => '');
  const read = (series: string) => {
    const line = text.split('\n').find((l) => l.startsWith(`${series} `));
    return Number(line?.slice(line.lastIndexOf(' ') + 1) ?? Number.NaN);
  };
  const le = [...BUCKETS].reverse().find((b) => b * 1000 <= limitMs) ?? BUCKETS[0]!;
  const over = (histogram: string) => read(`${histogram}_count`) - read(`${histogram}_bucket{le="${le}"}`);
  return {
    instance: i.name,
    maxMs: read(judgeMetrics.eventLoopDelayMax) * 1000,
    stalled: over(judgeMetrics.eventLoopDelay),
    slowWrites: over(judgeMetrics.storeWriteBlocking),
    writes: read(`${judgeMetrics.storeWriteBlocking}_count`),
  };
}

async function ready(i: Instance): Promise<void> {
  const by = Date.now() + 30_000;
  while ((await fetch(`${i.url}/readyz`).catch(() => undefined))?.status !== 200) {
    if (Date.now() > by) throw new Error(`${i.name} not ready after 30 s:\n${i.output.join('\n')}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Runs one soak: seeds a fresh store, starts the instances, sends the traffic, drains and stops everything. */
export async function runSoak(partial: Partial<SoakOptions> = {}): Promise<SoakReport> {
  const options = { ...DEFAULT_SOAK, ...partial };
  const dir = mkdtempSync(join(tmpdir(), 'judge-soak-'));
  const db = join(dir, 'judge.sqlite');
  const procs = new Processes();
  procs.atStop(async () => rmSync(dir, { recursive: true, force: true }));
  try {
    await seed(db, options);
    const instances = await Promise.all(
      Array.from({ length: options.instances }, (_, i) => start(procs, db, `soak-${i}`, options)),
    );
    await Promise.all(instances.map(ready));
    // Warm-up (JIT, first judgings, workers settling) is not measured: stalls count from the baseline on.
    await sendTraffic(instances, { ...options, durationMs: Math.min(5000, options.durationMs) });
    const baseline = await Promise.all(instances.map((i) => loopDelay(i, options.maxStallMs)));
    const control = monitorEventLoopDelay({ resolution: 10 });
    const window = monitorEventLoopDelay({ resolution: 10 });
    control.enable();
    window.enable();
    const series: SoakReport['series'] = [];
    const began = performance.now();
    let previous = baseline;
    const scraper = setInterval(async () => {
      const now = await Promise.all(instances.map((i) => loopDelay(i, options.maxStallMs))).catch(
        () => undefined,
      );
      if (!now) return;
      series.push({
        atS: Math.round((performance.now() - began) / 1000),
        stalledSeconds: now.map((d, k) => d.stalled - (previous[k]?.stalled ?? 0)),
        controlMaxMs: window.max / 1e6,
      });
      window.reset();
      previous = now;
    }, 5000);
    const traffic = await sendTraffic(instances, options).finally(() => clearInterval(scraper));
    control.disable();
    window.disable();
    const reader = new Database(db, { readonly: true });
    const pending = () =>
      (reader.prepare("SELECT count(*) n FROM submissions WHERE state <> 'done'").get() as { n: number }).n;
    const drainBy = Date.now() + 30_000;
    while (pending() > 0 && Date.now() < drainBy) await new Promise((r) => setTimeout(r, 200));
    const undrained = pending();
    const judged = (
      reader
        .prepare("SELECT count(*) n FROM submissions WHERE state = 'done' AND received_by <> 'seed'")
        .get() as {
        n: number;
      }
    ).n;
    reader.close();
    const end = await Promise.all(instances.map((i) => loopDelay(i, options.maxStallMs)));
    const eventLoop = end.map((e, k) => ({
      instance: e.instance,
      maxMs: e.maxMs,
      stalledSeconds: e.stalled - (baseline[k]?.stalled ?? 0),
    }));
    const worstStallMs = Math.max(...eventLoop.map((e) => e.maxMs));
    const stalledSeconds = eventLoop.reduce((n, e) => n + e.stalledSeconds, 0);
    const storeWrites = {
      total: end.reduce((n, e, k) => n + e.writes - (baseline[k]?.writes ?? 0), 0),
      overLimit: end.reduce((n, e, k) => n + e.slowWrites - (baseline[k]?.slowWrites ?? 0), 0),
    };
    const starved = series.filter((w) => w.controlMaxMs >= options.maxStallMs);
    const unexplainedStalledSeconds =
      stalledSeconds - starved.reduce((n, w) => n + w.stalledSeconds.reduce((a, b) => a + b, 0), 0);
    const storeComplaints = instances.flatMap((i) =>
      i.output.filter((l) => /locked|SQLITE_BUSY|cannot (claim|commit|renew|release)/i.test(l)),
    );
    const failures = [
      storeWrites.overLimit > 0 &&
        `${storeWrites.overLimit} store writes held an event loop over ${options.maxStallMs} ms`,
      unexplainedStalledSeconds > 0 &&
        `${unexplainedStalledSeconds} second(s) with an event-loop stall over ${options.maxStallMs} ms under traffic ` +
          '(not explained by the machine starving every process)',
      undrained > 0 && `${undrained} acknowledged submissions had no verdict 30 s after the traffic stopped`,
      ...Object.entries(traffic.requests.byStatus)
        .filter(([status]) => Number(status) >= 500)
        .map(([status, n]) => `${n} answers with status ${status}`),
      traffic.requests.transportErrors > 0 &&
        `${traffic.requests.transportErrors} requests failed in transport`,
    ].filter((f): f is string => typeof f === 'string');
    return {
      options,
      ...traffic,
      eventLoop,
      worstStallMs,
      stalledSeconds,
      unexplainedStalledSeconds,
      storeWrites,
      series,
      controlMaxMs: control.max / 1e6,
      undrained,
      judged,
      storeComplaints,
      failures,
    };
  } finally {
    await procs.stopAll();
  }
}

async function sendTraffic(
  instances: Instance[],
  options: SoakOptions,
): Promise<Pick<SoakReport, 'requests' | 'latencyMs'>> {
  const random = prng(options.seed);
  const pick = <T>(items: T[]): T => items[Math.floor(random() * items.length)]!;
  const sources = solutions();
  const tokens: string[] = [];
  const byStatus: Record<string, number> = {};
  const latencies: number[] = [];
  let transportErrors = 0;
  const total = Math.round((options.rate * options.durationMs) / 1000);
  const t0 = performance.now() + 50;
  const inFlight: Promise<void>[] = [];
  for (let n = 0; n < total; n++) {
    const intended = t0 + (n * 1000) / options.rate;
    const wait = intended - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const target = instances[n % instances.length]!;
    const kind = random();
    let request: Promise<Response>;
    if (kind < 0.5 || tokens.length === 0) {
      const { problem, source } = pick(sources);
      const user = random() < 1 / 3 ? 'flooder' : `user-${Math.floor(random() * options.users)}`;
      request = fetch(`${target.url}/submissions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ problem_id: problem, source_code: source, user_id: user }),
        signal: AbortSignal.timeout(10_000),
      });
    } else if (kind < 0.85) {
      request = fetch(`${target.url}/submissions/${pick(tokens)}`, { signal: AbortSignal.timeout(10_000) });
    } else {
      request = fetch(`${target.url}/leaderboard`, { signal: AbortSignal.timeout(10_000) });
    }
    const done = request
      .then(async (res) => {
        byStatus[res.status] = (byStatus[res.status] ?? 0) + 1;
        const body = (await res.json()) as { token?: string };
        if (res.status === 201 && body.token) tokens.push(body.token);
      })
      .catch(() => {
        transportErrors++;
      })
      .finally(() => latencies.push(performance.now() - intended));
    inFlight.push(done);
  }
  await Promise.all(inFlight);
  const sorted = latencies.sort((a, b) => a - b);
  return {
    requests: { sent: total, byStatus, transportErrors },
    latencyMs: {
      p50: quantile(sorted, 0.5),
      p99: quantile(sorted, 0.99),
      max: quantile(sorted, 1),
      overStallLimit: sorted.filter((l) => l >= options.maxStallMs).length,
    },
  };
}
