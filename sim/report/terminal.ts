import { secs } from '../util/format.js';
import type { RunReport, ScenarioReport } from '../vocabulary/report-model.js';
import { budgetText, interruptionNote } from './matrix.js';

/** Colours for a TTY, or none (NO_COLOR, CI, pipes). */
export interface Palette {
  green(s: string): string;
  red(s: string): string;
  yellow(s: string): string;
  dim(s: string): string;
}

/** How to write to the terminal: a live status line and colour only on a TTY outside CI; no colour with NO_COLOR. */
export function terminalMode(
  tty: boolean,
  env: Record<string, string | undefined>,
): { live: boolean; color: boolean } {
  const ci = Boolean(env.CI) && env.CI !== 'false' && env.CI !== '0';
  const live = tty && !ci;
  return { live, color: live && !env.NO_COLOR && env.TERM !== 'dumb' };
}

/** A palette that colours with ANSI codes, or one that does nothing. */
export function palette(color: boolean): Palette {
  const wrap = (code: number) => (s: string) => (color ? `\x1b[${code}m${s}\x1b[0m` : s);
  return { green: wrap(32), red: wrap(31), yellow: wrap(33), dim: wrap(2) };
}

/** One line for a finished scenario. */
export function scenarioLine(r: ScenarioReport, p: Palette): string {
  const mark = colour(
    r.status,
    p,
  )({ passed: 'PASS', error: 'ERROR', interrupted: 'INTERRUPTED', failure: 'FAIL' }[r.status] ?? 'FAIL');
  return `${mark} ${r.name}: ${r.classification}, ${r.observed.outcome} (expected ${r.expected.outcome}); detect ${secs(r.observed.timeToDetectMs)}, rollback ${secs(r.observed.timeToRollbackMs)}, failed requests ${r.observed.failedRequests}, lost ${r.observed.lostSubmissions}${r.status === 'passed' ? notes(r) : `\n     ${r.reason}`}${distortionLine(r, p)}`;
}

/** A warning line when the verdict was measured while the generator could not keep its schedule. */
function distortionLine(r: ScenarioReport, p: Palette): string {
  if (!r.measuredUnderDistortion && !r.traffic.distorted) return '';
  const why = r.traffic.distortion ?? 'the traffic generator fell behind its schedule';
  return `\n     ${p.yellow('MEASURED UNDER DISTORTION')}: ${why}`;
}

/** What a passing scenario's report must still say: an ineffective rollback, failures on stable. */
function notes(r: ScenarioReport): string {
  const out: string[] = [];
  if (r.observed.rollback && !r.observed.rollback.restored) out.push(r.observed.rollback.detail);
  if (r.observed.stableFailures)
    out.push(
      `${r.observed.stableFailures} request(s) failed on ${r.versions.stable} (stable), not counted against ${r.versions.candidate}`,
    );
  return out.map((n) => `\n     note: ${n}`).join('');
}

/** The colour of a status: green passed, yellow error or interrupted (the harness's), red failure. */
function colour(status: string, p: Palette): (text: string) => string {
  return status === 'passed' ? p.green : status === 'error' || status === 'interrupted' ? p.yellow : p.red;
}

/** The final table of a run. */
export function summaryTable(report: RunReport, p: Palette): string {
  const rows = [['scenario', 'result', 'class', 'outcome', 'detect', 'rollback', 'failed', 'lost', 'budget']];
  for (const s of report.scenarios) {
    rows.push([
      s.name,
      s.status,
      s.classification,
      s.observed.outcome,
      secs(s.observed.timeToDetectMs),
      secs(s.observed.timeToRollbackMs),
      String(s.observed.failedRequests),
      String(s.observed.lostSubmissions),
      budgetText(s),
    ]);
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const lines = rows.map((r, n) =>
    r
      .map((c, i) => (n > 0 && i === 1 ? colour(c, p)(c.padEnd(widths[i]!)) : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd(),
  );
  const { passed, failed, errors, interrupted = 0 } = report.summary;
  const total = `${passed} passed, ${failed} failed${errors ? `, ${errors} errors` : ''}${interrupted ? `, ${interrupted} interrupted` : ''}`;
  return [
    p.dim(lines[0]!),
    ...lines.slice(1),
    '',
    failed + errors > 0 ? p.red(total) : interrupted > 0 ? p.yellow(total) : p.green(total),
    ...(report.interrupted
      ? [
          p.yellow(
            interruptionNote(report)
              .trim()
              .replace(/^\((.*)\)$/, '$1'),
          ),
        ]
      : []),
  ].join('\n');
}
