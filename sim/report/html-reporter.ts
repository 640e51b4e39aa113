import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { escapeXml, secs } from '../util/format.js';
import type { RunReport, ScenarioReport } from '../vocabulary/report-model.js';
import { budgetText, buildMatrix, harmLine, interruptionNote, keyFigure } from './matrix.js';
import type { Reporter } from './reporter.js';
import { simulationHtml } from './simulation.js';
import { scenarioChart } from './svg-chart.js';

const STYLE = `body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#222;max-width:1000px}
h1{font-size:20px}h2{font-size:17px;margin-top:32px}table{border-collapse:collapse;margin:8px 0}
td,th{border:1px solid #ccc;padding:4px 8px;text-align:left;vertical-align:top}th{background:#f4f4f4}
.passed{background:#eaf7ea}.failure{background:#fdeaea}.error{background:#fff6e0}
a{color:inherit}.muted{color:#666}.num{text-align:right}details{margin:6px 0}
.chart .grid{stroke:#eee}.chart .ln{fill:none;stroke-width:1.6}.chart .dash{stroke-dasharray:4 3;stroke-width:1.2}
.chart text{font-size:10px;fill:#555}.chart .pt{font-size:11px;fill:#222}.chart .yl{text-anchor:end}
.badge{font-size:11px;font-weight:600;padding:0 4px;border-radius:3px;color:#fff}.badge.passed{background:#2a7d2a}.badge.failure{background:#c0392b}.badge.error{background:#b7791f}.interrupted{background:#eef0f4}.badge.interrupted{background:#5a6270}
.ok{color:#2a7d2a}.bad{color:#c0392b}.chart .xl{text-anchor:middle}.chart .ml{font-size:10px;text-anchor:middle}.chart .marker line{stroke-dasharray:2 2}
.chart .threshold line{stroke:#c0392b;stroke-dasharray:6 3;stroke-width:1}.chart .tl{text-anchor:end;fill:#c0392b;font-size:9px}.chart .fault-window{fill:#d62728;fill-opacity:.08}`;

/** A coloured PASS/FAIL/ERROR badge (text, not emoji: headless browsers often lack an emoji font). */
function badge(s: ScenarioReport): string {
  const label =
    { passed: 'PASS', error: 'ERROR', interrupted: 'INTERRUPTED', failure: 'FAIL' }[s.status] ?? 'FAIL';
  return `<span class="badge ${s.status}">${label}</span>`;
}

const tick = (ok: boolean) => (ok ? '<span class="ok">✓</span>' : '<span class="bad">✗</span>');

function anchor(s: ScenarioReport): string {
  return `s-${s.name.replace(/[^a-zA-Z0-9_-]/g, '-')}`;
}

function matrix(report: RunReport): string {
  const m = buildMatrix(report);
  const head = `<tr><th>strategy \\ fault</th>${m.faults.map((f) => `<th>${escapeXml(f)}</th>`).join('')}</tr>`;
  const rows = m.strategies.map((strategy) => {
    const cells = m.faults.map((f) => {
      const cell = m.cell(strategy, f);
      if (!cell) return '<td class="muted">·</td>';
      const worst = cell.scenarios.find((s) => s.status !== 'passed')?.status ?? 'passed';
      const items = cell.scenarios.map(
        (s) =>
          `<div>${badge(s)} <a href="#${anchor(s)}"><b>${escapeXml(s.classification)}</b></a> ${escapeXml(keyFigure(s))}</div>`,
      );
      return `<td class="${worst}">${items.join('')}</td>`;
    });
    return `<tr><th>${escapeXml(strategy)}</th>${cells.join('')}</tr>`;
  });
  return `<table id="matrix">${head}${rows.join('')}</table>`;
}

function impactTable(s: ScenarioReport): string {
  const phases = Object.entries(s.blastRadius.byPhase);
  const rows = phases.flatMap(([phase, byVersion]) =>
    Object.entries(byVersion ?? {}).map(
      ([v, i]) =>
        `<tr><td>${escapeXml(phase)}</td><td>${escapeXml(v)}</td><td class="num">${i.requests}</td><td class="num">${i.failed}</td><td class="num">${i.slow}</td><td class="num">${i.wrongVerdicts}</td></tr>`,
    ),
  );
  return `<table><tr><th>phase</th><th>version</th><th>requests</th><th>failed</th><th>slow</th><th>wrong verdicts</th></tr>${rows.join('')}</table>`;
}

/** Harm to users: the verdict with its evidence, and every measure's test. */
function harmSection(s: ScenarioReport): string {
  const line = harmLine(s);
  if (!line || !s.harm) return '';
  const rows = s.harm.tests
    .map(
      (t) =>
        `<tr><td>${escapeXml(t.measure)}</td><td class="num">${t.candidate.bad} of ${t.candidate.requests}</td><td class="num">${t.stable.bad} of ${t.stable.requests}</td><td class="num">${t.pValue.toPrecision(2)}</td><td class="num">${t.alpha}</td><td class="${t.worse ? 'bad' : 'ok'}">${t.worse ? 'worse' : 'no'}</td></tr>`,
    )
    .join('');
  return `<p class="${s.harm.verdict === 'worse' ? 'bad' : ''}">harm to users: ${escapeXml(line)}</p><details><summary>harm tests (${escapeXml(s.harm.period)} period)</summary><table><tr><th>measure</th><th>${escapeXml(s.versions.candidate)}</th><th>${escapeXml(s.versions.stable)}</th><th>p</th><th>α</th><th>worse</th></tr>${rows}</table></details>`;
}

function scenarioSection(s: ScenarioReport): string {
  const o = s.observed;
  const figures = `<table><tr><th>outcome</th><th>detect</th><th>decision</th><th>rollback</th><th>failed</th><th>wrong verdicts</th><th>lost</th><th>budget</th></tr><tr><td>${escapeXml(o.outcome)} (expected ${escapeXml(s.expected.outcome)})</td><td>${secs(o.timeToDetectMs)}</td><td>${secs(o.timeToDecisionMs)}</td><td>${secs(o.timeToRollbackMs)}</td><td class="num">${o.failedRequests}</td><td class="num">${o.wrongVerdicts}</td><td class="num">${o.lostSubmissions}</td><td class="num">${budgetText(s)}</td></tr></table>`;
  const expectations = s.expectations
    .map(
      (e) =>
        `<li>${tick(e.passed)} ${escapeXml(e.name)}: expected ${escapeXml(e.expected)}, got ${escapeXml(e.actual)}</li>`,
    )
    .join('');
  const faults = s.faults
    .map(
      (f) =>
        `<li>${tick(f.verified)} ${escapeXml(f.type)} on ${escapeXml(f.target)}: ${escapeXml(f.description)} — applied: ${escapeXml(f.appliedDetail)}; observed: ${escapeXml(f.detail)}</li>`,
    )
    .join('');
  const measurements = s.measurements
    .map(
      (m) =>
        `<tr><td class="num">${secs(m.at)}</td><td>${escapeXml(m.check)}</td><td class="${m.phase === 'successful' ? 'ok' : 'bad'}">${escapeXml(m.phase)}</td><td>${escapeXml(m.message)}</td></tr>`,
    )
    .join('');
  const events = s.timeline
    .map(
      (e) =>
        `<tr><td class="num">${secs(e.at)}</td><td>${escapeXml(e.type)}</td><td>${escapeXml(e.message)}</td></tr>`,
    )
    .join('');
  const chart = s.series.t.length ? scenarioChart(s) : '<p class="muted">no traffic was recorded</p>';
  return `<section class="scenario" id="${anchor(s)}" data-status="${s.status}">
<h2>${badge(s)} ${escapeXml(s.name)} <span class="muted">— ${escapeXml(s.strategy)}, ${escapeXml(s.classification)}</span></h2>
<p>${escapeXml(s.description)}</p><p><b>${escapeXml(s.reason)}</b>${s.error?.hint ? `<br>hint: ${escapeXml(s.error.hint)}` : ''}</p>${harmSection(s)}${s.measuredUnderDistortion || s.traffic.distorted ? `<p class="bad">⚠ Measured under distortion: ${escapeXml(s.traffic.distortion ?? 'the traffic generator fell behind its schedule')}</p>` : ''}
${figures}${chart}
<ul>${expectations}</ul>${faults ? `<h3>Faults</h3><ul>${faults}</ul>` : ''}
<details><summary>blast radius by phase and version</summary>${impactTable(s)}</details>
<details><summary>measurements (${s.measurements.length})</summary><table class="measurements">${measurements}</table></details>
<details><summary>timeline (${s.timeline.length} events)</summary><table>${events}</table></details>
</section>`;
}

/** The whole report as one self-contained HTML page (inline CSS and SVG; no scripts, no network). */
export function renderHtml(report: RunReport): string {
  const { total, passed, failed, errors, interrupted } = report.summary;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Rehearsal ${escapeXml(report.runId)}: ${passed}/${total} passed</title><style>${STYLE}</style></head>
<body><h1>Release rehearsal ${escapeXml(report.runId)}: ${passed}/${total} passed${failed ? `, ${failed} failed` : ''}${errors ? `, ${errors} harness errors` : ''}${interrupted ? `, ${interrupted} interrupted` : ''}${escapeXml(interruptionNote(report))}</h1>
<p class="muted">platform ${escapeXml(report.platform)} · rehearsal ${escapeXml(report.tool.version)} · node ${escapeXml(report.tool.node)} · ${escapeXml(report.startedAt)} → ${escapeXml(report.finishedAt)}</p>
<h2>Readiness matrix</h2>${matrix(report)}
${report.scenarios.map(scenarioSection).join('\n')}
${report.simulation ? `<h2>Simulation</h2>${simulationHtml(report.simulation)}` : ''}
</body></html>
`;
}

/** `index.html`: the matrix and a timeline chart per scenario in one file that works from file://. */
export class HtmlReporter implements Reporter {
  readonly name = 'html';

  async write(report: RunReport, dir: string): Promise<string[]> {
    const file = join(dir, 'index.html');
    await writeFile(file, renderHtml(report));
    return [file];
  }
}
