import { pct, secs } from '../util/format.js';
import type { RunReport, ScenarioReport } from '../vocabulary/report-model.js';

/** " (interrupted: why; N not run: a, b)" for a headline, or "" when the run finished. */
export function interruptionNote(report: RunReport): string {
  if (!report.interrupted) return '';
  const notRun = report.notRun?.length
    ? `; ${report.notRun.length} not run: ${report.notRun.join(', ')}`
    : '';
  return ` (interrupted${report.interruptedBy ? `: ${report.interruptedBy}` : ''}${notRun})`;
}

/** One cell of the readiness matrix: the scenarios of one strategy under one fault set. */
export interface MatrixCell {
  scenarios: ScenarioReport[];
}

/** The readiness matrix: strategies (rows) x fault sets (columns). */
export interface Matrix {
  strategies: string[];
  faults: string[];
  cell(strategy: string, fault: string): MatrixCell | undefined;
}

/** The column a scenario belongs to: its fault types joined with "+", or "no fault". */
export function faultKey(s: ScenarioReport): string {
  const types = [...new Set(s.faults.map((f) => f.type))].sort();
  return types.length ? types.join(' + ') : 'no fault';
}

/** Builds the matrix; "no fault" comes first, then fault sets in order of appearance. */
export function buildMatrix(report: RunReport): Matrix {
  const cells = new Map<string, MatrixCell>();
  const strategies: string[] = [];
  const faults: string[] = [];
  for (const s of report.scenarios) {
    const f = faultKey(s);
    if (!strategies.includes(s.strategy)) strategies.push(s.strategy);
    if (!faults.includes(f)) faults.push(f);
    const key = `${s.strategy}\u0000${f}`;
    const cell = cells.get(key) ?? { scenarios: [] };
    cell.scenarios.push(s);
    cells.set(key, cell);
  }
  faults.sort((a, b) => Number(b === 'no fault') - Number(a === 'no fault'));
  return { strategies, faults, cell: (strategy, fault) => cells.get(`${strategy}\u0000${fault}`) };
}

/** Budget burned as a percentage, or "-". */
export function budgetText(s: ScenarioReport): string {
  const b = s.budget;
  if (!b) return '-';
  return b.burned === null ? 'all' : pct(b.burned, b.burned < 0.1 ? 1 : 0);
}

/** The key figure of a scenario: detection time when it rolled back, failed requests otherwise, and any expectation not met. */
export function keyFigure(s: ScenarioReport): string {
  if (s.status === 'error') return 'harness error';
  if (s.status === 'interrupted') return 'interrupted';
  const failed = `${s.observed.failedRequests} failed`;
  const missed = s.expectations.filter((e) => !e.passed).map((e) => e.name);
  const why = missed.length ? ` (not met: ${missed.join(', ')})` : '';
  if (s.observed.outcome === 'rolled-back')
    return `detect ${secs(s.observed.timeToDetectMs)}, ${failed}${why}`;
  return `${s.observed.outcome}, ${failed}${why}`;
}

/** A short mark for a scenario's result. */
export function statusMark(s: ScenarioReport): string {
  return { passed: '✅', error: '⚠️', interrupted: '⏹️', failure: '❌' }[s.status] ?? '❌';
}

/** Whether the candidate hurt users, in a table cell: `worse (wrong verdicts)`, `not worse`, `too little data`, or `-`. */
export function harmCell(s: ScenarioReport): string {
  const h = s.harm;
  if (!h) return '-';
  if (h.verdict === 'worse') return `worse (${h.by.join(', ')})`;
  return h.verdict === 'not-worse' ? 'not worse' : 'too little data';
}

/** Whether the candidate hurt users, in one line with its evidence and when it began. */
export function harmLine(s: ScenarioReport): string | undefined {
  const h = s.harm;
  if (!h) return undefined;
  const from = h.firstHarmAt !== undefined ? ` from t=${secs(h.firstHarmAt)}` : '';
  return `${harmCell(s)}${from}: ${h.evidence}`;
}
