import type { ScenarioReport } from '../report/model.js';
import { seconds } from '../util/format.js';

/** The reason an abort carries, as one line for the report ("interrupted by SIGINT", "timed out after 6s (--timeout)"). */
export function reasonOf(reason: unknown): string {
  if (reason instanceof Error) return reason.message;
  return reason === undefined ? 'interrupted' : String(reason);
}

/** Where in its scenario a run was stopped: `t` from the start of traffic, or during start-up (ms since the scenario began). */
export type StopPoint = { phase: 'traffic'; atMs: number } | { phase: 'start-up'; afterMs: number };

/**
 * A scenario stopped by Ctrl-C or `--timeout` before it could be judged: neither a pass nor a failure. What it
 * measured until then is kept (timeline, traffic, figures); expectations are not checked, and the requests not sent
 * are the interruption's doing, not the generator's.
 */
export function interruptedReport(r: ScenarioReport, why: string, at: StopPoint): ScenarioReport {
  const lead = why.startsWith('interrupted') ? why : `interrupted: ${why}`;
  const { notSent, planned } = r.traffic;
  const where =
    at.phase === 'traffic'
      ? `at t=${seconds(at.atMs)} s${notSent > 0 ? ` (${notSent} of ${planned} planned requests not sent)` : ''}`
      : `during start-up, ${seconds(at.afterMs)} s after the scenario began (no traffic sent)`;
  const reason = `${lead} ${where}; not judged`;
  const { distortion: _cut, ...traffic } = r.traffic;
  const { measuredUnderDistortion: _skewed, ...rest } = r;
  return {
    ...rest,
    passed: false,
    status: 'interrupted',
    classification: 'inconclusive',
    reason,
    expectations: [],
    traffic: { ...traffic, distorted: false },
    error: { message: reason, hint: 'run it again; nothing it started is left running' },
  };
}
