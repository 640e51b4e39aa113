import { pct } from '../util/format.js';
import type { RollbackEffect } from '../vocabulary/rehearsal-verdict.js';
import type { TrafficCount } from './blast-radius.js';

/** Time after all traffic is back on stable before its health is judged (in-flight requests finish). */
export const ROLLBACK_GRACE_MS = 1500;
/** A rollback restored service when at most this share of requests fail after it… */
export const RESTORED_FAILURE_RATE = 0.02;
/** …or at most this many times stable's failure rate before the release, whichever is higher. */
export const RESTORED_BASELINE_FACTOR = 2;

/**
 * Judges whether a rollback restored service: after all traffic is back on stable (plus a grace
 * period), users should fail no more than before the release. When stable itself is broken (an
 * incompatible migration, lost capacity) rolling back cannot help, and the report must say so.
 */
export function rollbackEffect(
  counts: TrafficCount[],
  stable: string,
  allOnStableAt: number,
  deployedAt: number | undefined,
): RollbackEffect | undefined {
  const after = { requests: 0, failed: 0 };
  const before = { requests: 0, failed: 0 };
  const markers = new Set<string>();
  for (const c of counts) {
    if (c.at >= allOnStableAt + ROLLBACK_GRACE_MS) {
      after.requests += c.requests;
      after.failed += c.failed;
      for (const m of c.faultMarkers ?? []) markers.add(m);
    }
    if (c.version === stable && (deployedAt === undefined || c.at < deployedAt)) {
      before.requests += c.requests;
      before.failed += c.failed;
    }
  }
  if (after.requests === 0) return undefined;
  const rate = (n: { requests: number; failed: number }) => (n.requests === 0 ? 0 : n.failed / n.requests);
  const failureRate = rate(after);
  const baselineRate = rate(before);
  const restored = failureRate <= Math.max(RESTORED_FAILURE_RATE, baselineRate * RESTORED_BASELINE_FACTOR);
  const marked = markers.size ? `, marked ${[...markers].join(', ')}` : '';
  const detail = restored
    ? `after the rollback ${pct(failureRate)} of ${after.requests} requests failed (before the release: ${pct(baselineRate)})`
    : `rollback did not restore service: ${pct(failureRate)} of ${after.requests} requests still failed after all traffic was on ${stable} ` +
      `(before the release: ${pct(baselineRate)})${marked}`;
  return { restored, failureRate, baselineRate, requests: after.requests, detail };
}

/** User requests that failed on the stable version after the candidate was deployed: not the candidate's doing. */
export function stableFailures(
  counts: TrafficCount[],
  stable: string,
  deployedAt: number | undefined,
): number {
  return counts
    .filter((c) => c.version === stable && (deployedAt === undefined || c.at >= deployedAt))
    .reduce((n, c) => n + c.failed, 0);
}
