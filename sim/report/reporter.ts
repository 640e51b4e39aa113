import type { RunReport } from '../vocabulary/report-model.js';

/** Writes one format of the report. */
export interface Reporter {
  readonly name: string;
  /** Writes into `dir`; returns the files written. */
  write(report: RunReport, dir: string): Promise<string[]>;
}

/** What the reporters did: files written and reporters that failed (the others still wrote theirs). */
export interface ReportOutcome {
  files: string[];
  failures: { reporter: string; error: string }[];
}

/** Runs every reporter; one that throws is recorded and does not stop the others. */
export async function writeReports(
  reporters: Reporter[],
  report: RunReport,
  dir: string,
): Promise<ReportOutcome> {
  const outcome: ReportOutcome = { files: [], failures: [] };
  for (const reporter of reporters) {
    try {
      outcome.files.push(...(await reporter.write(report, dir)));
    } catch (error) {
      outcome.failures.push({
        reporter: reporter.name,
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }
  return outcome;
}
