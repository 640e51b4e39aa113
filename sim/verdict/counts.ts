import { isFailed, isWrongVerdict, type RequestRecord, verdictVersion } from '../traffic/record.js';
import type { TrafficCount } from './blast-radius.js';

/**
 * Reduces live per-request records to the counts the simulator produces, so one verdict judges both.
 * A count holds the requests of one version at one intended send time: phase boundaries and the
 * rollback's aftermath are then cut exactly where per-request judging cut them. Only neighbouring
 * records merge, so the counts keep the records' order (the rollback names fault markers in the
 * order users met them, and report keys follow first appearance). A lost submission (its token in
 * `lost`, from reconciliation) is charged to the version that accepted it.
 */
export function countsFromRecords(
  records: RequestRecord[],
  slowMs: number,
  lost: ReadonlySet<string> = new Set(),
): TrafficCount[] {
  const counts: TrafficCount[] = [];
  const countAt = (at: number, version: string | undefined): TrafficCount => {
    const last = counts.at(-1);
    if (last && last.at === at && last.version === version) return last;
    const c: TrafficCount = { at, requests: 0, failed: 0, slow: 0, wrongVerdicts: 0 };
    if (version !== undefined) c.version = version;
    counts.push(c);
    return c;
  };
  for (const r of records) {
    const served = countAt(r.intendedAt, r.version);
    served.requests++;
    if (isFailed(r)) {
      served.failed++;
      for (const marker of r.fault ? r.fault.split(',').map((m) => m.trim()) : []) {
        served.faultMarkers ??= [];
        if (!served.faultMarkers.includes(marker)) served.faultMarkers.push(marker);
      }
    } else if (r.latencyMs > slowMs) served.slow++;
    if (r.kind === 'submit' && r.token !== undefined && lost.has(r.token))
      served.lostSubmissions = (served.lostSubmissions ?? 0) + 1;
    // Charged to the version that judged it, which a shared queue makes other than the one that served it.
    if (isWrongVerdict(r)) {
      const judged = countAt(r.intendedAt, verdictVersion(r));
      judged.wrongVerdicts++;
      if (r.problemId !== undefined) {
        judged.wrongByProblem ??= {};
        judged.wrongByProblem[r.problemId] = (judged.wrongByProblem[r.problemId] ?? 0) + 1;
      }
    }
  }
  return counts;
}
