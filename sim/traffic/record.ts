import type { ReturnedVerdict, VerdictName } from '../vocabulary/verdicts.js';

/** The kinds of request a synthetic user makes. */
export type RequestKind = 'submit' | 'poll' | 'leaderboard';

/** What one synthetic user experienced on one request: the ground truth. */
export interface RequestRecord {
  seq: number;
  kind: RequestKind;
  userId: string;
  segment: string;
  /** Intended send time, ms from the start of traffic (the open-model schedule). */
  intendedAt: number;
  /** Actual send time, ms from the start of traffic. */
  sentAt: number;
  /** From the intended send time to the end of the response (no coordinated omission). */
  latencyMs: number;
  /** HTTP status; 0 when no response came (reset, refused, timeout). */
  status: number;
  error?: string;
  /** `version/instance` from `x-served-by`. */
  servedBy?: string;
  /** The serving version (the part of `servedBy` before the slash). */
  version?: string;
  /** `x-rehearsal-fault` of the response, when a fault shaped it. */
  fault?: string;
  problemId?: string;
  expected?: VerdictName;
  /** The verdict returned; `internal-error` is never expected, so it always counts as a wrong verdict. */
  verdict?: ReturnedVerdict | null;
  /** The version whose worker judged the submission (`judged_by`): with a shared queue, not always the one that served it. */
  judgedBy?: string;
  token?: string;
}

/** The version a wrong verdict is charged to: the one that judged it, else the one that served it. */
export function verdictVersion(r: RequestRecord): string | undefined {
  return r.judgedBy ?? r.version;
}

/** Whether the user saw a failure: no response, or a 5xx. */
export function isFailed(r: RequestRecord): boolean {
  return r.status === 0 || r.status >= 500;
}

/** Whether a judged submission got a verdict other than the expected one. */
export function isWrongVerdict(r: RequestRecord): boolean {
  return r.kind === 'submit' && r.expected !== undefined && r.verdict != null && r.verdict !== r.expected;
}
