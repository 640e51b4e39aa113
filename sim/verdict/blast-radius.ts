import { isFailed, isWrongVerdict, type RequestRecord, verdictVersion } from '../traffic/record.js';
import type { BlastRadius, ReleasePhase, VersionImpact } from '../vocabulary/rehearsal-verdict.js';

/** Times (ms from traffic start) that split a run into phases. */
export interface PhaseMarks {
  candidateDeployedAt?: number;
  decisionAt?: number;
  allOnStableAt?: number;
  promotedAt?: number;
}

function empty(): VersionImpact {
  return { requests: 0, failed: 0, slow: 0, wrongVerdicts: 0 };
}

function phaseOf(at: number, marks: PhaseMarks): ReleasePhase {
  if (marks.candidateDeployedAt === undefined || at < marks.candidateDeployedAt) return 'before-release';
  if (marks.promotedAt !== undefined && at >= marks.promotedAt) return 'after-promotion';
  if (marks.decisionAt === undefined || at < marks.decisionAt) return 'before-decision';
  if (marks.allOnStableAt === undefined || at < marks.allOnStableAt) return 'during-rollback';
  return 'after-rollback';
}

/** Ground truth aggregated per version over a time step (the simulator's alternative to per-request records). */
export interface TrafficCount {
  /** Start of the step, ms from the start of traffic. */
  at: number;
  version: string;
  requests: number;
  failed: number;
  /** Requests that did not fail but took longer than the scenario's slowMs. */
  slow: number;
  wrongVerdicts: number;
}

/** The same blast radius as `blastRadius`, from counts per version per step instead of records. */
export function blastRadiusFromCounts(counts: TrafficCount[], marks: PhaseMarks): BlastRadius {
  const byVersion: Record<string, VersionImpact> = {};
  const byPhase: BlastRadius['byPhase'] = {};
  for (const c of counts) {
    const phase = phaseOf(c.at, marks);
    const perPhase = byPhase[phase] ?? {};
    byPhase[phase] = perPhase;
    const total = byVersion[c.version] ?? empty();
    const inPhase = perPhase[c.version] ?? empty();
    byVersion[c.version] = total;
    perPhase[c.version] = inPhase;
    for (const impact of [total, inPhase]) {
      impact.requests += c.requests;
      impact.failed += c.failed;
      impact.slow += c.slow;
      impact.wrongVerdicts += c.wrongVerdicts;
    }
  }
  return { byVersion, byPhase };
}

/** Counts failed, slow and wrong-verdict requests by serving version and phase. */
export function blastRadius(records: RequestRecord[], slowMs: number, marks: PhaseMarks): BlastRadius {
  const byVersion: Record<string, VersionImpact> = {};
  const byPhase: BlastRadius['byPhase'] = {};
  for (const r of records) {
    const version = r.version ?? 'unknown';
    const phase = phaseOf(r.intendedAt, marks);
    byPhase[phase] ??= {};
    const perPhase = byPhase[phase];
    byVersion[version] ??= empty();
    perPhase[version] ??= empty();
    for (const impact of [byVersion[version], perPhase[version]]) {
      impact.requests++;
      if (isFailed(r)) impact.failed++;
      else if (r.latencyMs > slowMs) impact.slow++;
    }
    if (isWrongVerdict(r)) {
      // Charged to the version that judged it, which a shared queue makes other than the one that served it.
      const judge = verdictVersion(r) ?? version;
      byVersion[judge] ??= empty();
      perPhase[judge] ??= empty();
      byVersion[judge].wrongVerdicts++;
      perPhase[judge].wrongVerdicts++;
    }
  }
  return { byVersion, byPhase };
}
