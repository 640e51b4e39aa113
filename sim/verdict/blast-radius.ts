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

/**
 * Ground truth aggregated per version over a time step: what the simulator produces, and what live
 * records are reduced to (`countsFromRecords`, per version per instant) so one verdict judges both.
 */
export interface TrafficCount {
  /** Start of the step, ms from the start of traffic (live: the requests' intended send time). */
  at: number;
  /** The serving version; absent when the response named none (live: no response came). */
  version?: string;
  requests: number;
  failed: number;
  /** Requests that did not fail but took longer than the scenario's slowMs. */
  slow: number;
  /** Wrong verdicts charged to this version: the one that judged them, which a shared queue makes other than the one that served them. */
  wrongVerdicts: number;
  /** Of `wrongVerdicts`, how many per problem (live: every one; simulated: when verdicts are split by problem). */
  wrongByProblem?: Record<string, number>;
  /** Submissions this version accepted that the store no longer holds (live only: reconciliation after the run). */
  lostSubmissions?: number;
  /** Fault markers the failed requests carried, in order of first appearance (live only: the model marks nothing). */
  faultMarkers?: string[];
}

/**
 * Failed, slow and wrong-verdict requests by serving version and phase (wrong verdicts by judging version),
 * and wrong verdicts by problem: a regression confined to one problem shows there.
 */
export function blastRadius(counts: TrafficCount[], marks: PhaseMarks): BlastRadius {
  const byVersion: Record<string, VersionImpact> = {};
  const byPhase: BlastRadius['byPhase'] = {};
  const byProblem: Record<string, Record<string, number>> = {};
  for (const c of counts) {
    const version = c.version ?? 'unknown';
    const phase = phaseOf(c.at, marks);
    const perPhase = byPhase[phase] ?? {};
    byPhase[phase] = perPhase;
    const total = byVersion[version] ?? empty();
    const inPhase = perPhase[version] ?? empty();
    byVersion[version] = total;
    perPhase[version] = inPhase;
    for (const impact of [total, inPhase]) {
      impact.requests += c.requests;
      impact.failed += c.failed;
      impact.slow += c.slow;
      impact.wrongVerdicts += c.wrongVerdicts;
    }
    for (const [problem, n] of Object.entries(c.wrongByProblem ?? {})) {
      const perVersion = byProblem[version] ?? {};
      byProblem[version] = perVersion;
      perVersion[problem] = (perVersion[problem] ?? 0) + n;
    }
  }
  return Object.keys(byProblem).length > 0
    ? { byVersion, byPhase, wrongVerdictsByProblem: byProblem }
    : { byVersion, byPhase };
}
