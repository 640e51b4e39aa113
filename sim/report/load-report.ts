import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ExitCode, messageOf, RehearsalError } from '../util/errors.js';
import type { RunReport } from '../vocabulary/report-model.js';
import { withBudget } from './budget.js';

/** The report.json of a run folder, or the file itself when a .json file is given. */
export function reportFile(path: string): string {
  const isDir = existsSync(path) ? statSync(path).isDirectory() : !path.endsWith('.json');
  return isDir ? join(path, 'report.json') : path;
}

function typeOf(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v;
}

/** Checks the fields every format reads; returns one problem per missing or mistyped field. */
export function reportProblems(data: unknown): string[] {
  const problems: string[] = [];
  const r = data as Record<string, unknown>;
  if (typeof data !== 'object' || data === null || Array.isArray(data))
    return [`the top level must be an object, got ${typeOf(data)}`];
  if (r.schemaVersion !== 1) problems.push(`schemaVersion must be 1, got ${JSON.stringify(r.schemaVersion)}`);
  for (const k of ['runId', 'startedAt', 'finishedAt', 'platform'] as const)
    if (typeof r[k] !== 'string') problems.push(`${k} must be a string, got ${typeOf(r[k])}`);
  if (typeof r.summary !== 'object' || r.summary === null)
    problems.push(`summary must be an object, got ${typeOf(r.summary)}`);
  if (!Array.isArray(r.scenarios))
    return [...problems, `scenarios must be an array, got ${typeOf(r.scenarios)}`];
  r.scenarios.forEach((s: Record<string, unknown>, i) => {
    for (const k of ['name', 'status', 'classification', 'strategy'] as const)
      if (typeof s?.[k] !== 'string')
        problems.push(`scenarios[${i}].${k} must be a string, got ${typeOf(s?.[k])}`);
    for (const k of ['observed', 'expected', 'blastRadius', 'series', 'versions'] as const)
      if (typeof s?.[k] !== 'object' || s[k] === null)
        problems.push(`scenarios[${i}].${k} must be an object, got ${typeOf(s?.[k])}`);
    for (const k of ['faults', 'timeline', 'expectations'] as const)
      if (!Array.isArray(s?.[k]))
        problems.push(`scenarios[${i}].${k} must be an array, got ${typeOf(s?.[k])}`);
  });
  return problems;
}

/** Reads and checks a run's report.json (a folder or a file); fills in fields older reports lack. */
export function loadReport(path: string): RunReport {
  const file = reportFile(path);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new RehearsalError(
      `${file}: cannot read: ${messageOf(error)}`,
      'give a run folder (reports/<run-id>) or its report.json',
      ExitCode.invalidScenario,
      { cause: error },
    );
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new RehearsalError(
      `${file}: not valid JSON: ${messageOf(error)}`,
      'report.json is written by `rehearse run`; run it again',
      ExitCode.invalidScenario,
    );
  }
  const problems = reportProblems(data);
  if (problems.length) {
    throw new RehearsalError(
      `${file}: not a rehearsal report:\n  ${problems.map((p) => `${file}: ${p}`).join('\n  ')}`,
      'schemas/report.schema.json describes the format',
      ExitCode.invalidScenario,
    );
  }
  const report = data as RunReport;
  const interrupted = report.scenarios.filter((s) => s.status === 'interrupted').length;
  return {
    ...report,
    summary: { ...report.summary, interrupted: report.summary.interrupted ?? interrupted },
    scenarios: report.scenarios.map((s) => (s.budget ? s : withBudget(s))),
  };
}
