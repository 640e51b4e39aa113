import { Pool } from 'undici';

/** One fixed-rate (open-model) run against a URL. */
export interface OpenLoopOptions {
  /** Target URL (path included). */
  url: string;
  /** Requests per second, scheduled regardless of how fast answers come back. */
  rate: number;
  /** Length of the run in milliseconds. */
  durationMs: number;
  /** Maximum connections to the target. */
  connections?: number;
  /** Prefix of the `x-rehearsal-request-id` each request carries. */
  idPrefix?: string;
}

/** Latency figures of one open-model run, in milliseconds. */
export interface OpenLoopResult {
  /** Requests scheduled. */
  sent: number;
  /** Responses with status 2xx. */
  ok: number;
  /** Transport errors and non-2xx responses. */
  errors: number;
  /** Completed requests per second over the run. */
  achievedRps: number;
  /** Latency from the intended send time (no coordinated omission). */
  p50Ms: number;
  /** 99th percentile of the same. */
  p99Ms: number;
  /** Worst latency from the intended send time. */
  maxMs: number;
  /** Median latency from the actual send time (excludes generator lag). */
  serviceP50Ms: number;
  /** Median lag between intended and actual send time: the generator's own error. */
  lagP50Ms: number;
}

/** Sends `rate` req/s for `durationMs`, measuring each latency from its intended send time. */
export async function openLoop(options: OpenLoopOptions): Promise<OpenLoopResult> {
  const url = new URL(options.url);
  const pool = new Pool(url.origin, { connections: options.connections ?? 64, pipelining: 1 });
  const total = Math.max(1, Math.round((options.rate * options.durationMs) / 1000));
  const interval = 1000 / options.rate;
  const latency = new Float64Array(total);
  const service = new Float64Array(total);
  const lag = new Float64Array(total);
  let ok = 0;
  let errors = 0;
  let completed = 0;
  const prefix = options.idPrefix ?? 'bench';
  const path = `${url.pathname}${url.search}`;
  const t0 = performance.now() + 20;

  await new Promise<void>((resolve) => {
    let next = 0;
    const fire = (i: number, intended: number): void => {
      const sentAt = performance.now();
      lag[i] = sentAt - intended;
      pool
        .request({ method: 'GET', path, headers: { 'x-rehearsal-request-id': `${prefix}-${i}` } })
        .then(async (res) => {
          await res.body.dump();
          if (res.statusCode >= 200 && res.statusCode < 300) ok++;
          else errors++;
        })
        .catch(() => errors++)
        .finally(() => {
          const end = performance.now();
          latency[i] = end - intended;
          service[i] = end - sentAt;
          if (++completed === total) resolve();
        });
    };
    const tick = (): void => {
      const now = performance.now();
      while (next < total && t0 + next * interval <= now) {
        fire(next, t0 + next * interval);
        next++;
      }
      if (next < total) setTimeout(tick, Math.max(0, t0 + next * interval - performance.now() - 0.5));
    };
    setTimeout(tick, 20);
  });
  const elapsed = performance.now() - t0;
  await pool.close();
  return {
    sent: total,
    ok,
    errors,
    achievedRps: (completed / elapsed) * 1000,
    p50Ms: quantile(latency, 0.5),
    p99Ms: quantile(latency, 0.99),
    maxMs: quantile(latency, 1),
    serviceP50Ms: quantile(service, 0.5),
    lagP50Ms: quantile(lag, 0.5),
  };
}

/** The `q` quantile (nearest rank) of `values`. */
export function quantile(values: Float64Array, q: number): number {
  const sorted = Float64Array.from(values).sort();
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank] ?? Number.NaN;
}
