import type { Queries } from './queries.js';

/** What monitoring showed per version, sampled every `stepMs` over a sliding window. */
export function monitoringSeries(
  queries: Queries,
  versions: string[],
  endMs: number,
  stepMs = 1000,
  windowMs = 5000,
): Record<string, { t: number[]; errorRate: (number | null)[]; p95Ms: (number | null)[] }> {
  const out: Record<string, { t: number[]; errorRate: (number | null)[]; p95Ms: (number | null)[] }> = {};
  for (const version of versions) {
    const s = { t: [] as number[], errorRate: [] as (number | null)[], p95Ms: [] as (number | null)[] };
    for (let at = stepMs; at <= endMs; at += stepMs) {
      s.t.push(at / 1000);
      s.errorRate.push(round(queries.errorRate(version, at - windowMs, at)?.value));
      s.p95Ms.push(round(queries.latencyQuantile(version, 0.95, at - windowMs, at)?.value));
    }
    out[version] = s;
  }
  return out;
}

function round(v: number | undefined): number | null {
  return v === undefined || !Number.isFinite(v) ? null : Math.round(v * 10_000) / 10_000;
}
