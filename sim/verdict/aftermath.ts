import { isFailed, type RequestRecord } from '../traffic/record.js';
import type { RollbackEffect } from '../vocabulary/rehearsal-verdict.js';

/** Time after all traffic is back on stable before its health is judged (in-flight requests finish). */
const GRACE_MS = 1500;

/**
 * Judges whether a rollback restored service: after all traffic is back on stable (plus a grace
 * period), users should fail no more than before the release. When stable itself is broken (an
 * incompatible migration, lost capacity) rolling back cannot help, and the report must say so.
 */
export function rollbackEffect(
  records: RequestRecord[],
  stable: string,
  allOnStableAt: number,
  deployedAt: number | undefined,
): RollbackEffect | undefined {
  const after = records.filter((r) => r.intendedAt >= allOnStableAt + GRACE_MS);
  if (after.length === 0) return undefined;
  const before = records.filter(
    (r) => r.version === stable && (deployedAt === undefined || r.intendedAt < deployedAt),
  );
  const rate = (rs: RequestRecord[]) => (rs.length === 0 ? 0 : rs.filter(isFailed).length / rs.length);
  const failureRate = rate(after);
  const baselineRate = rate(before);
  const restored = failureRate <= Math.max(0.02, baselineRate * 2);
  const markers = [
    ...new Set(
      after.filter(isFailed).flatMap((r) => (r.fault ? r.fault.split(',').map((m) => m.trim()) : [])),
    ),
  ];
  const pct = (v: number) => `${(v * 100).toFixed(1)}%`;
  const detail = restored
    ? `after the rollback ${pct(failureRate)} of ${after.length} requests failed (before the release: ${pct(baselineRate)})`
    : `rollback did not restore service: ${pct(failureRate)} of ${after.length} requests still failed after all traffic was on ${stable} ` +
      `(before the release: ${pct(baselineRate)})${markers.length ? `, marked ${markers.join(', ')}` : ''}`;
  return { restored, failureRate, baselineRate, requests: after.length, detail };
}

/** User requests that failed on the stable version after the candidate was deployed: not the candidate's doing. */
export function stableFailures(
  records: RequestRecord[],
  stable: string,
  deployedAt: number | undefined,
): number {
  return records.filter(
    (r) => r.version === stable && isFailed(r) && (deployedAt === undefined || r.intendedAt >= deployedAt),
  ).length;
}
