import { z } from 'zod';
import { duration } from '../vocabulary/scenario-fields.js';

/** What a check does when its query returns no data. */
export const noDataPolicy = z.enum(['fail', 'inconclusive', 'ignore']);

/** The no-data policy. */
export type NoDataPolicy = z.output<typeof noDataPolicy>;

/** Fields every check has: its name, counting limits, window and no-data policy. */
export const checkBase = {
  name: z.string().optional(),
  /** Failed measurements tolerated before the check fails (Argo's default 0). */
  failureLimit: z.number().int().min(0).default(0),
  /** Consecutive failed measurements that fail the check, whatever the total. */
  consecutiveFailureLimit: z.number().int().min(1).optional(),
  /** Inconclusive measurements tolerated before the release pauses. */
  inconclusiveLimit: z.number().int().min(0).optional(),
  /** Consecutive `error` measurements tolerated before the check fails (Argo's default 4). */
  consecutiveErrorLimit: z.number().int().min(0).optional(),
  window: duration.optional(),
  noData: noDataPolicy.optional(),
};

/** Analysis-wide defaults a check falls back on. */
export interface CheckDefaults {
  windowMs: number;
  noData: NoDataPolicy;
  /**
   * `decisions`: a successful measurement carries no message (''), only those that can decide something do. For a
   * caller that keeps no measurements (a simulation's outcome records): their messages are most of a rehearsal's
   * formatting, and no decision, event or verdict reads a successful one. Default `all`.
   */
  messages?: MeasurementMessages;
}

/** Which measurements carry a message (see `CheckDefaults.messages`). */
export type MeasurementMessages = 'all' | 'decisions';

/** The versions a check compares: the candidate against stable or, where one runs, a fresh baseline. */
export interface CheckVersions {
  stable: string;
  candidate: string;
  /** Pool of a baseline of the stable version, of the candidate's size, when the strategy runs one. */
  baseline?: string | undefined;
}

/** The measurement a check's no-data policy produces. */
export function noDataMeasurement(check: string, at: number, policy: NoDataPolicy, why: string) {
  switch (policy) {
    case 'fail':
      return { check, at, phase: 'failed' as const, message: `${why} (noData: fail)` };
    case 'ignore':
      return {
        check,
        at,
        phase: 'successful' as const,
        message: `${why} (noData: ignore, counted as passing)`,
      };
    case 'inconclusive':
      return { check, at, phase: 'inconclusive' as const, message: `${why} (noData: inconclusive)` };
  }
}

/** A number for a message: few digits, no noise. */
export function fmt(v: number): string {
  return Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 1 ? v.toFixed(2) : v.toFixed(4);
}
