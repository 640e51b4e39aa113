import type { Proportion, Quantile } from '../vocabulary/simulation-report.js';
import {
  type Choice,
  type Constraints,
  type Evaluated,
  infeasibility,
  type Mean,
  type Score,
} from './search.js';
import type { StrategyPatch } from './space.js';

const pct = (p: number) => `${(p * 100).toFixed(1)}%`;
const rate = (p: Proportion | null) => (p ? `${pct(p.value)} [${pct(p.ci95[0])}–${pct(p.ci95[1])}]` : '-');
const secs = (q: Quantile | null) =>
  q
    ? `${(q.value / 1000).toFixed(1)}s [${(q.ci95[0] / 1000).toFixed(1)}–${(q.ci95[1] / 1000).toFixed(1)}]`
    : '-';
const hurt = (m: Mean) => `${m.value.toFixed(2)} [${m.ci95[0].toFixed(2)}–${m.ci95[1].toFixed(2)}]`;

/** A one-line summary of a candidate's policy: steps, interval/window, checks. */
export function describePatch(p: StrategyPatch): string {
  const steps = p.steps
    .map((s) => ('setWeight' in s ? `${s.setWeight}%` : 'analyze' in s ? `${s.analyze}` : Object.keys(s)[0]))
    .join(' ');
  const checks = p.analysis.checks
    .map((c) => {
      if (c.metric === 'error_rate') return `err≤${c.max} min${c.minFailures ?? 1} fl${c.failureLimit ?? 0}`;
      if (c.test === 'sequential') return `seq α${c.alpha} prior${c.prior ?? '-'}`;
      if (c.metric) return String(c.metric);
      if (c.test) return String(c.test);
      if (c.slo) return `slo ${c.slo}`;
      return '?';
    })
    .join(', ');
  return `${steps}; every ${p.analysis.interval} over ${p.analysis.window}; ${checks}`;
}

function cells(s: Score | undefined): string[] {
  if (!s) return ['-', '-', '-', '-'];
  return [hurt(s.usersHurt), secs(s.timeToRollbackMs), rate(s.falseRollbacks), secs(s.releaseMs)];
}

/** Rows of the Pareto table: each finalist's scores on the search seeds and on fresh seeds. */
export function paretoRows(
  finalists: Evaluated[],
  front: Set<string>,
  limits: Constraints,
  choice: Choice,
): string[][] {
  const head = [
    'policy',
    'front',
    'users hurt (search)',
    'rollback p50',
    'false rollbacks',
    'release p50',
    'users hurt (fresh)',
    'rollback p50',
    'false rollbacks',
    'release p50',
    'note',
  ];
  const rows = finalists.map((e) => {
    const s = cells(e.score);
    const f = cells(e.fresh);
    const bad = infeasibility(e.score, limits);
    const note = [
      e === choice.chosen ? 'chosen' : '',
      e.candidate.id === 'shipped' ? 'shipped' : '',
      bad ? `infeasible: ${bad}` : '',
    ]
      .filter(Boolean)
      .join(', ');
    return [e.candidate.id, front.has(e.candidate.id) ? '*' : '', ...s, ...f, note];
  });
  return [head, ...rows];
}

/** Rows as a Markdown table. */
export function markdownTable(rows: string[][]): string {
  const [head, ...body] = rows;
  return [
    `| ${head!.join(' | ')} |`,
    `|${head!.map(() => '---').join('|')}|`,
    ...body.map((r) => `| ${r.map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |`),
  ].join('\n');
}

/** A progress bar: `[#####.....] 50%`. */
export function bar(done: number, total: number, width = 24): string {
  const f = total > 0 ? Math.min(1, done / total) : 1;
  const n = Math.round(f * width);
  return `[${'#'.repeat(n)}${'.'.repeat(width - n)}] ${Math.floor(f * 100)}%`;
}
