import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { percent, secs } from '../util/format.js';
import type { RunReport, ScenarioReport } from '../vocabulary/report-model.js';
import { DEFAULT_SLO } from './budget.js';
import {
  budgetText,
  buildMatrix,
  harmCell,
  harmLine,
  interruptionNote,
  keyFigure,
  statusMark,
} from './matrix.js';
import type { Reporter } from './reporter.js';

/** Escapes text for a Markdown table cell. */
export function mdCell(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

function row(cells: string[]): string {
  return `| ${cells.join(' | ')} |`;
}

function matrixTable(report: RunReport): string[] {
  const m = buildMatrix(report);
  const lines = [
    row(['strategy \\ fault', ...m.faults.map(mdCell)]),
    row(['---', ...m.faults.map(() => '---')]),
  ];
  for (const strategy of m.strategies) {
    const cells = m.faults.map((f) => {
      const cell = m.cell(strategy, f);
      if (!cell) return '·';
      return cell.scenarios
        .map((s) => `${statusMark(s)} **${mdCell(s.classification)}** ${mdCell(keyFigure(s))}`)
        .join('<br>');
    });
    lines.push(row([mdCell(strategy), ...cells]));
  }
  return lines;
}

function detailRow(s: ScenarioReport): string {
  return row([
    `${statusMark(s)} ${mdCell(s.name)}${s.measuredUnderDistortion || s.traffic.distorted ? ' ⚠️ distorted' : ''}`,
    mdCell(s.classification),
    mdCell(harmCell(s)),
    `${mdCell(s.observed.outcome)} (expected ${mdCell(s.expected.outcome)})`,
    secs(s.observed.timeToDetectMs),
    secs(s.observed.timeToRollbackMs),
    String(s.observed.failedRequests),
    String(s.observed.lostSubmissions),
    budgetText(s),
  ]);
}

/** Where the summary is written and which scenarios left logs, so that links are relative to that folder. */
export interface MarkdownPlace {
  /** The report folder (absolute); paths under it in messages are shown relative to it. */
  dir: string;
  /** Log folders by scenario name, relative to `dir` (e.g. `canary-error-spike/logs/`). */
  logs: Record<string, string>;
}

/** The summary as Markdown: headline, readiness matrix, one row per scenario, and what went wrong. */
export function renderMarkdown(report: RunReport, place?: MarkdownPlace): string {
  // A runner's absolute paths mean nothing to whoever reads the summary elsewhere (a PR, a CI page).
  const local = (text: string) => (place ? relativePaths(text, place.dir) : text);
  const { total, passed, failed, errors, interrupted } = report.summary;
  const ok = failed + errors === 0 && !report.interrupted;
  const lines = [
    `## ${ok ? '✅' : failed + errors === 0 ? '⏹️' : '❌'} Release rehearsal: ${passed}/${total} passed${failed ? `, ${failed} failed` : ''}${errors ? `, ${errors} harness errors` : ''}${interrupted ? `, ${interrupted} interrupted` : ''}${interruptionNote(report)}`,
    '',
    `Run \`${report.runId}\` on \`${report.platform}\`, rehearsal ${report.tool.version}, node ${report.tool.node}, ${report.startedAt}.`,
    '',
    '### Readiness matrix',
    '',
    ...matrixTable(report),
    '',
    '### Scenarios',
    '',
    row(['scenario', 'class', 'harm to users', 'outcome', 'detect', 'rollback', 'failed', 'lost', 'budget']),
    row(['---', '---', '---', '---', '---:', '---:', '---:', '---:', '---:']),
    ...report.scenarios.map(detailRow),
  ];
  // The ground truth behind every `caught` and `missed`: what the candidate's users got that stable's did not.
  const harmed = report.scenarios.filter((s) => s.harm?.verdict === 'worse');
  if (harmed.length) {
    lines.push('', '### Harm to users', '');
    for (const s of harmed)
      lines.push(`- **${mdCell(s.name)}** (${mdCell(s.classification)}): ${mdCell(harmLine(s)!)}`);
  }
  // Imported policies ran in compressed time: every duration in their figures is policy time / timeScale.
  const imported = report.scenarios.filter((s) => s.source);
  if (imported.length) {
    lines.push('', '### Imported policies', '');
    for (const s of imported)
      lines.push(
        `- **${mdCell(s.name)}**: ${mdCell(s.source!.kind)} from \`${mdCell(s.source!.file)}\`, time compressed ${s.source!.timeScale}x (times here × ${s.source!.timeScale} = policy time)`,
      );
  }
  const distorted = report.scenarios.filter((s) => s.measuredUnderDistortion || s.traffic.distorted);
  if (distorted.length) {
    lines.push('', '### ⚠️ Measured under distortion', '');
    lines.push(
      'The traffic generator could not keep its schedule; these verdicts and their figures are skewed.',
      '',
    );
    for (const s of distorted)
      lines.push(
        `- **${mdCell(s.name)}**: ${mdCell(s.traffic.distortion ?? 'the generator fell behind its schedule')}`,
      );
  }
  const bad = report.scenarios.filter((s) => s.status !== 'passed');
  if (bad.length) {
    lines.push('', '### What went wrong', '');
    for (const s of bad) {
      const logs = place?.logs[s.name];
      lines.push(
        `- **${mdCell(s.name)}** (${s.status}): ${mdCell(local(s.reason))}${s.error?.hint ? ` — hint: ${mdCell(local(s.error.hint))}` : ''}${logs ? ` — [logs](${encodeURI(logs)})` : ''}`,
      );
      for (const e of s.expectations.filter((x) => !x.passed))
        lines.push(`  - ${mdCell(e.name)}: expected ${mdCell(e.expected)}, got ${mdCell(e.actual)}`);
    }
  }
  const slo = report.scenarios.find((s) => s.budget)?.budget?.slo ?? DEFAULT_SLO;
  lines.push(
    '',
    `<sub>Cells: classification and key figure (time to detect for rollbacks, failed user requests otherwise). Budget: share of the ${+percent(slo, 3)}% SLO error budget burned by the release's failed requests.</sub>`,
    '',
  );
  return lines.join('\n');
}

/** `summary.md`: the readiness matrix for a CI step summary or a pull-request comment. */
export class MarkdownReporter implements Reporter {
  readonly name = 'markdown';

  async write(report: RunReport, dir: string): Promise<string[]> {
    const file = join(dir, 'summary.md');
    const logs: Record<string, string> = {};
    for (const s of report.scenarios)
      if (existsSync(join(dir, s.name, 'logs'))) logs[s.name] = `${s.name}/logs/`;
    await writeFile(file, renderMarkdown(report, { dir, logs }));
    return [file];
  }
}

/** `text` with every absolute path inside `dir` rewritten relative to it (`/runner/reports/r1/x/logs/a.log` → `x/logs/a.log`). */
export function relativePaths(text: string, dir: string): string {
  const root = dir.endsWith(sep) ? dir.slice(0, -1) : dir;
  const s = escapeRegExp(sep);
  return text.replaceAll(
    new RegExp(`${escapeRegExp(root)}(?:${s}[^\\s'"\`)]*)?(?![^\\s'"\`)${s}])`, 'g'),
    (path) => {
      const rel = relative(root, path) || '.';
      return path.endsWith(sep) && rel !== '.' ? `${rel}${sep}` : rel;
    },
  );
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
