import { type RequestRecord, isFailed, isWrongVerdict } from '../traffic/record.js';

/** What users experienced on one serving version. */
export interface VersionImpact {
  requests: number;
  failed: number;
  slow: number;
  wrongVerdicts: number;
}

/** Phases of a release, for splitting the blast radius. */
export type ReleasePhase = 'before-release' | 'before-decision' | 'during-rollback' | 'after-rollback' | 'after-promotion';

/** Users hurt, by serving version and by phase of the release. */
export interface BlastRadius {
  byVersion: Record<string, VersionImpact>;
  byPhase: Partial<Record<ReleasePhase, Record<string, VersionImpact>>>;
}

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

/** Counts failed, slow and wrong-verdict requests by serving version and phase. */
export function blastRadius(records: RequestRecord[], slowMs: number, marks: PhaseMarks): BlastRadius {
  const byVersion: Record<string, VersionImpact> = {};
  const byPhase: BlastRadius['byPhase'] = {};
  for (const r of records) {
    const version = r.version ?? 'unknown';
    const phase = phaseOf(r.intendedAt, marks);
    const perPhase = (byPhase[phase] ??= {});
    for (const impact of [(byVersion[version] ??= empty()), (perPhase[version] ??= empty())]) {
      impact.requests++;
      if (isFailed(r)) impact.failed++;
      else if (r.latencyMs > slowMs) impact.slow++;
      if (isWrongVerdict(r)) impact.wrongVerdicts++;
    }
  }
  return { byVersion, byPhase };
}
