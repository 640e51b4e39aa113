import { type OpenLoopResult, openLoop } from './open-loop.js';
import { cpuSeconds, runWrk } from './procs.js';

/** A target under test: where to send load, and which process's CPU time to charge it with. */
export interface Target {
  url: string;
  pid: number;
}

/** wrk results per target: median req/s over rounds, total errors, each round, and CPU microseconds per request. */
export type Saturation = Record<
  string,
  { rps: number; errors: number; rounds: number[]; cpuUsPerRequest: number }
>;

/** Open-model results at one rate: per-target medians over rounds and CPU microseconds per request. */
export interface RateResult {
  rate: number;
  results: Record<string, OpenLoopResult>;
  cpuUsPerRequest: Record<string, number>;
}

/** Closed-loop saturation: targets alternate within each round so drifting machine load hits all alike. */
export async function measureSaturation(
  targets: Record<string, Target>,
  options: { rounds: number; seconds: number; connections: number; warmup: boolean },
): Promise<Saturation> {
  if (options.warmup) for (const t of Object.values(targets)) await runWrk(t.url, 1, options.connections);
  const runs: Record<string, { rps: number; errors: number; cpu: number }[]> = {};
  for (let round = 0; round < options.rounds; round++) {
    for (const [name, t] of Object.entries(targets)) {
      const before = cpuSeconds(t.pid);
      const result = await runWrk(t.url, options.seconds, options.connections);
      runs[name] = [...(runs[name] ?? []), { ...result, cpu: cpuSeconds(t.pid) - before }];
    }
  }
  const out: Saturation = {};
  for (const [name, list] of Object.entries(runs)) {
    const rounds = list.map((r) => r.rps);
    const requests = list.reduce((n, r) => n + r.rps * options.seconds, 0);
    const cpuUsPerRequest = (list.reduce((n, r) => n + r.cpu, 0) / requests) * 1e6;
    out[name] = {
      rps: median(rounds),
      errors: list.reduce((n, r) => n + r.errors, 0),
      rounds,
      cpuUsPerRequest,
    };
  }
  return out;
}

/** Open-model latency at one rate, alternating targets per round; also charges each target's CPU time. */
export async function measureRate(
  targets: Record<string, Target>,
  rate: number,
  options: { rounds: number; seconds: number; warmupSeconds: number; stop: () => boolean },
): Promise<RateResult> {
  const runs: Record<string, OpenLoopResult[]> = {};
  const cpu: Record<string, { seconds: number; requests: number }> = {};
  for (const [name, t] of Object.entries(targets)) {
    await openLoop({ url: t.url, rate, durationMs: options.warmupSeconds * 1000, idPrefix: `warm-${name}` });
  }
  for (let round = 0; round < options.rounds; round++) {
    for (const [name, t] of Object.entries(targets)) {
      if (options.stop()) throw new Error('interrupted');
      const before = cpuSeconds(t.pid);
      const durationMs = options.seconds * 1000;
      const result = await openLoop({ url: t.url, rate, durationMs, idPrefix: `${name}-${rate}-${round}` });
      runs[name] = [...(runs[name] ?? []), result];
      const c = cpu[name] ?? { seconds: 0, requests: 0 };
      cpu[name] = { seconds: c.seconds + cpuSeconds(t.pid) - before, requests: c.requests + result.sent };
    }
  }
  const results = Object.fromEntries(Object.entries(runs).map(([n, list]) => [n, medianResult(list)]));
  const cpuUsPerRequest = Object.fromEntries(
    Object.entries(cpu).map(([n, c]) => [n, (c.seconds / c.requests) * 1e6]),
  );
  return { rate, results, cpuUsPerRequest };
}

/** Median of a non-empty list. */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function medianResult(list: OpenLoopResult[]): OpenLoopResult {
  const pick = (key: keyof OpenLoopResult): number => median(list.map((r) => r[key]));
  const sum = (key: keyof OpenLoopResult): number => list.reduce((n, r) => n + r[key], 0);
  return {
    sent: sum('sent'),
    ok: sum('ok'),
    errors: sum('errors'),
    achievedRps: pick('achievedRps'),
    p50Ms: pick('p50Ms'),
    p99Ms: pick('p99Ms'),
    maxMs: Math.max(...list.map((r) => r.maxMs)),
    serviceP50Ms: pick('serviceP50Ms'),
    lagP50Ms: pick('lagP50Ms'),
  };
}
