// What the verdict says about one rehearsal, as the report carries it. Not the judge service's verdicts
// (accepted, wrong-answer, …): those are in verdicts.ts.

/** How the rehearsal is classified (sim/analysis/README.md §5). */
export type Classification =
  | 'caught'
  | 'promoted'
  | 'missed'
  | 'false-rollback'
  | 'inconclusive'
  | 'harness-error';

/** One expectation, judged. */
export interface ExpectationResult {
  name: string;
  expected: string;
  actual: string;
  passed: boolean;
}

/** A fault as the verdict sees it: applied (read back) and observed (in ground truth). */
export interface FaultOutcome {
  type: string;
  target: string;
  description: string;
  injectedAt?: number;
  revertedAt?: number;
  applied: boolean;
  appliedDetail: string;
  /** User responses that carried the fault's marker. */
  observedResponses?: number;
  verified: boolean;
  detail: string;
}

/** Whether rolling back restored service, with the evidence. */
export interface RollbackEffect {
  restored: boolean;
  /** Share of requests that failed after all traffic was back on stable. */
  failureRate: number;
  /** Share of stable's requests that failed before the release started. */
  baselineRate: number;
  requests: number;
  detail: string;
}

/** What users experienced on one serving version. */
export interface VersionImpact {
  requests: number;
  failed: number;
  slow: number;
  wrongVerdicts: number;
}

/** Phases of a release, for splitting the blast radius. */
export type ReleasePhase =
  | 'before-release'
  | 'before-decision'
  | 'during-rollback'
  | 'after-rollback'
  | 'after-promotion';

/** Users hurt, by serving version and by phase of the release. */
export interface BlastRadius {
  byVersion: Record<string, VersionImpact>;
  byPhase: Partial<Record<ReleasePhase, Record<string, VersionImpact>>>;
  /** Wrong verdicts by judging version and problem; absent when there were none with a known problem. */
  wrongVerdictsByProblem?: Record<string, Record<string, number>>;
}
