import type { Clock } from '../sim/clock/clock.js';
import { RealClock } from '../sim/clock/real-clock.js';
import { TrafficGenerator } from '../sim/traffic/generator.js';
import type { PlannedRequest } from '../sim/traffic/schedule.js';
import { ExitCode } from '../sim/util/errors.js';
import { Random } from '../sim/util/random.js';

// One run of OUR traffic generator in its own process, so that its CPU time is its own.
// Usage: node dist/bench/generator-child.js URL RATE SECONDS [poisson|uniform]
// Prints one JSON line (GeneratorRun) on stdout and exits.

/** What one generator run measured: its own stats plus figures derived from its records. */
export interface GeneratorRun {
  rate: number;
  seconds: number;
  arrivals: string;
  planned: number;
  sent: number;
  notSent: number;
  ok: number;
  errors: number;
  /** Planned requests per second over the run (the schedule's own rate, not the nominal one). */
  targetRps: number;
  /** Completed 2xx requests per second from time zero to the last response (or the run's end, if later). */
  achievedRps: number;
  /** Send lag behind the intended time (ms), from the records (sub-millisecond clock). */
  lagP50Ms: number;
  lagP99Ms: number;
  lagMaxMs: number;
  /** Latency from the intended send time, p50 (ms). */
  latencyP50Ms: number;
  /** User + system CPU seconds of this process during the run. */
  cpuSeconds: number;
  /** The generator's own TrafficStats, as a rehearsal would report them. */
  stats: Record<string, unknown>;
}

/** Real time with sub-millisecond resolution: bench lags are often below a millisecond. */
const preciseClock: Clock = {
  now: () => performance.timeOrigin + performance.now(),
  sleep: (ms, signal) => new RealClock().sleep(ms, signal),
};

/** A seeded schedule of GETs at `rate` req/s for `seconds`. */
export function benchSchedule(rate: number, seconds: number, arrivals: string): PlannedRequest[] {
  const rng = new Random(1);
  const user = { id: 'u-bench', name: 'Bench', segment: 'regular' as const };
  const out: PlannedRequest[] = [];
  let t = 0;
  for (let seq = 0; ; seq++) {
    t += arrivals === 'uniform' ? 1000 / rate : rng.exponential(1000 / rate);
    if (t >= seconds * 1000) return out;
    out.push({ seq, at: t, kind: 'leaderboard', user, pick: 0 });
  }
}

const quantile = (sorted: number[], q: number): number =>
  sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? 0;

async function main(): Promise<GeneratorRun> {
  const [url = '', rateArg = '1000', secondsArg = '3', arrivals = 'poisson'] = process.argv.slice(2);
  const rate = Number(rateArg);
  const seconds = Number(secondsArg);
  // Warm-up, not measured: one second at the same rate, so that the run measures the generator's steady state
  // (JIT compilation of undici and of the generator otherwise costs a fixed ~0.5 CPU-second in a 3 s run).
  const warm = new TrafficGenerator(benchSchedule(rate, 1, arrivals), {
    target: new URL(url).origin,
    clock: preciseClock,
    timeoutMs: 10_000,
    seed: 0,
    durationMs: 1000,
    t0: preciseClock.now() + 20,
  });
  await warm.run(new AbortController().signal);
  const schedule = benchSchedule(rate, seconds, arrivals);
  const t0 = preciseClock.now() + 50;
  const generator = new TrafficGenerator(schedule, {
    target: new URL(url).origin,
    clock: preciseClock,
    timeoutMs: 10_000,
    seed: 1,
    durationMs: seconds * 1000,
    t0,
  });
  const cpu0 = process.cpuUsage();
  const stats = await generator.run(new AbortController().signal);
  const cpu = process.cpuUsage(cpu0);
  const records = generator.records;
  const lags = records.map((r) => Math.max(0, r.sentAt - r.intendedAt)).sort((a, b) => a - b);
  const latencies = records.map((r) => r.latencyMs).sort((a, b) => a - b);
  const lastEnd = Math.max(...records.map((r) => r.intendedAt + r.latencyMs));
  const ok = records.filter((r) => r.status >= 200 && r.status < 300).length;
  return {
    rate,
    seconds,
    arrivals,
    planned: stats.planned,
    sent: stats.sent,
    notSent: stats.notSent,
    ok,
    errors: records.length - ok,
    targetRps: stats.planned / seconds,
    achievedRps: (ok / Math.max(lastEnd, seconds * 1000)) * 1000,
    lagP50Ms: quantile(lags, 0.5),
    lagP99Ms: quantile(lags, 0.99),
    lagMaxMs: lags.at(-1) ?? 0,
    latencyP50Ms: quantile(latencies, 0.5),
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    stats: { ...stats },
  };
}

if (process.argv[1]?.endsWith('generator-child.js')) {
  console.log(JSON.stringify(await main()));
  process.exit(ExitCode.ok);
}
