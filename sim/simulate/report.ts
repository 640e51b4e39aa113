import type {
  Distribution,
  Proportion,
  ScenarioSimulation,
  SimulationReport,
} from '../vocabulary/simulation-report.js';

const pct = (p: Proportion | undefined) =>
  p
    ? `${(p.value * 100).toFixed(1)}% [${(p.ci95[0] * 100).toFixed(1)}–${(p.ci95[1] * 100).toFixed(1)}]`
    : '-';
const secs = (ms: number) => `${(ms / 1000).toFixed(1)}s`;
const dist = (d: Distribution | null, fmt: (v: number) => string) =>
  d ? `${fmt(d.p50.value)} / ${fmt(d.p90.value)} / ${fmt(d.p99.value)}` : '-';

/** Rows of the side-by-side comparison, one per policy; the first row is the header. */
export function comparisonRows(s: ScenarioSimulation): string[][] {
  const rate = s.expected === 'promoted' ? 'false rollback' : 'detection';
  const rows = [['policy', rate, 'detect p50/p90/p99', 'rollback p50/p90/p99', 'hurt p50/p90/p99', 'pass']];
  for (const p of s.policies) {
    rows.push([
      p.policy,
      pct(p.detectionProbability ?? p.falseRollbackRate),
      dist(p.timeToDetectMs, secs),
      dist(p.timeToRollbackMs, secs),
      dist(p.blastRadius, String),
      pct(p.passRate),
    ]);
  }
  return rows;
}

/** Plain-text table of one scenario's comparison. */
export function comparisonTable(s: ScenarioSimulation): string {
  const rows = comparisonRows(s);
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows
    .map((r) =>
      r
        .map((c, i) => c.padEnd(widths[i]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

const esc = (s: string) =>
  s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

/** An HTML fragment of the simulation section: one comparison table per scenario (for any HTML report to embed). */
export function simulationHtml(sim: SimulationReport): string {
  const tables = sim.scenarios.map((s) => {
    const [head, ...body] = comparisonRows(s);
    return `<section class="simulation"><h2>${esc(s.scenario)} <small>expected ${esc(s.expected)}; ${s.seeds.count} seeds from ${s.seeds.first}</small></h2>
<table><thead><tr>${head!.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead>
<tbody>${body.map((r, i) => `<tr title="${esc(s.policies[i]!.description)}">${r.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`).join('\n')}</tbody></table></section>`;
  });
  const perf = sim.performance;
  return `<p>${sim.runs} runs per policy, model ${esc(sim.model.source)}${sim.model.file ? ` (${esc(sim.model.file)})` : ''}; ${perf.rehearsals} rehearsals in ${(perf.wallMs / 1000).toFixed(1)}s, ${Math.round(perf.simulatedRequestsPerSecond).toLocaleString('en')} simulated req/s. Brackets: 95% intervals.</p>\n${tables.join('\n')}`;
}
