import type { Platform } from '../platform/platform.js';
import type { ScenarioReport } from '../vocabulary/report-model.js';

/** Disposes the platform, or fails once `ms` (default 60 s) have passed: the exit hooks are the last resort then. */
export async function tearDown(platform: Platform, ms = 60_000): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${platform.name} did not finish within ${ms / 1000} s`)), ms);
  });
  try {
    await Promise.race([platform.dispose(), late]);
  } finally {
    clearTimeout(timer);
  }
}

/** A scenario whose teardown failed: a harness error (a pass or a failure cannot stand), with the rehearsal's own result kept in the reason. */
export function withTeardownProblem(report: ScenarioReport, problem: string): ScenarioReport {
  const message = `teardown failed: ${problem}`;
  if (report.status !== 'passed' && report.status !== 'failure')
    return { ...report, reason: `${report.reason}; ${message}` };
  return {
    ...report,
    passed: false,
    status: 'error',
    reason: `harness error: ${message} (the rehearsal itself: ${report.reason})`,
    error: { message, hint: '`rehearse clean` removes what a failed teardown left behind' },
  };
}
