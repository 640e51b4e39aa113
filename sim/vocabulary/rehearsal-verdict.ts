// What the verdict says about one rehearsal, as the report carries it. Not the judge service's verdicts
// (accepted, wrong-answer, …): those are in verdicts.ts.

/** How the rehearsal is classified: from harm, the decision and their times (README: How a verdict is reached). */
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
  /** The release was decided before the fault was due: it never acted, which is not an injection failure. */
  notReached?: boolean;
  detail: string;
}

/** What users got from the candidate compared with stable: worse, not worse, or too little data to tell. */
export type HarmVerdict = 'worse' | 'not-worse' | 'too-little-data';

/**
 * A kind of bad outcome harm is measured by. `start`: the candidate never started, so the release had to be
 * abandoned before any user reached it. `fault`: the users' counts alone could not tell (the candidate was
 * stopped after too few requests, or the harm is one they do not count, such as latency under `slowMs`), and
 * a fault was verified acting on the candidate's responses.
 */
export type HarmMeasure = 'failed' | 'slow' | 'wrong-verdicts' | 'lost-submissions' | 'start' | 'fault';

/** One measure of harm, tested: the candidate's bad outcomes against stable's over the same period. */
export interface HarmTest {
  measure: HarmMeasure;
  candidate: { bad: number; requests: number };
  stable: { bad: number; requests: number };
  /** One-sided p-value of "the candidate's share of bad outcomes is no more than its share of requests". */
  pValue: number;
  /** The level this measure is tested at (the run's alpha shared across the measures). */
  alpha: number;
  worse: boolean;
  /** "x of n vs y of m", and why it is not harm when the test alone would say so. */
  evidence: string;
  /** First bad candidate response from which the measure's excess built up (ms from traffic start). */
  firstHarmAt?: number;
}

/** Whether the candidate was worse for users than stable, from the client-side records (or simulated counts). */
export interface Harm {
  verdict: HarmVerdict;
  /** The measures that showed harm, in the order tested. */
  by: HarmMeasure[];
  /** One line: what showed the harm, or why there is none or too little data. */
  evidence: string;
  /** First harmful candidate response (ms from traffic start). */
  firstHarmAt?: number;
  /** Which period was compared: the one where both versions served users, or (too little of it) the whole run. */
  period: 'concurrent' | 'whole-run';
  /** The false-harm rate controlled across the measures. */
  alpha: number;
  tests: HarmTest[];
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
