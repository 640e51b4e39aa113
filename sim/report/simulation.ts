import { alignedTable, escapeXml, pct, percent, secs } from '../util/format.js';
import type {
  Distribution,
  Proportion,
  ScenarioSimulation,
  SimulationReport,
} from '../vocabulary/simulation-report.js';

const proportion = (p: Proportion | undefined) =>
  p ? `${pct(p.value)} [${percent(p.ci95[0])}–${percent(p.ci95[1])}]` : '-';
const dist = (d: Distribution | null, fmt: (v: number) => string) =>
  d ? `${fmt(d.p50.value)} / ${fmt(d.p90.value)} / ${fmt(d.p99.value)}` : '-';

/** Rows of the side-by-side comparison, one per policy; the first row is the header. */
export function comparisonRows(s: ScenarioSimulation): string[][] {
  const rate = s.expected === 'promoted' ? 'false rollback' : 'detection';
  const rows = [
    [
      'policy',
      rate,
      'detect p50/p90/p99',
      'rollback p50/p90/p99',
      'hurt p50/p90/p99',
      'missed',
      'false rollback (harm)',
      'pass',
    ],
  ];
  for (const p of s.policies) {
    rows.push([
      p.policy,
      proportion(p.detectionProbability ?? p.falseRollbackRate),
      dist(p.timeToDetectMs, secs),
      dist(p.timeToRollbackMs, secs),
      dist(p.blastRadius, String),
      // Reports written before harm was judged have neither rate.
      proportion(p.missedRate),
      proportion(p.harmFalseRollbackRate),
      proportion(p.passRate),
    ]);
  }
  return rows;
}

/** Plain-text table of one scenario's comparison. */
export function comparisonTable(s: ScenarioSimulation): string {
  return alignedTable(comparisonRows(s));
}

/** An HTML fragment of the simulation section: one comparison table per scenario (for any HTML report to embed). */
export function simulationHtml(sim: SimulationReport): string {
  const tables = sim.scenarios.map((s) => {
    const [head, ...body] = comparisonRows(s);
    return `<section class="simulation"><h2>${escapeXml(s.scenario)} <small>expected ${escapeXml(s.expected)}; ${s.seeds.count} seeds from ${s.seeds.first}</small></h2>
<table><thead><tr>${head!.map((h) => `<th>${escapeXml(h)}</th>`).join('')}</tr></thead>
<tbody>${body.map((r, i) => `<tr title="${escapeXml(s.policies[i]!.description)}">${r.map((c) => `<td>${escapeXml(c)}</td>`).join('')}</tr>`).join('\n')}</tbody></table></section>`;
  });
  const perf = sim.performance;
  return `<p>${sim.runs} runs per policy, model ${escapeXml(sim.model.source)}${sim.model.file ? ` (${escapeXml(sim.model.file)})` : ''}; ${perf.rehearsals} rehearsals in ${secs(perf.wallMs)}, ${Math.round(perf.simulatedRequestsPerSecond).toLocaleString('en')} simulated req/s. Brackets: 95% intervals.</p>\n${tables.join('\n')}`;
}
