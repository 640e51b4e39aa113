import { checkKindSummaries } from '../analysis/checks.js';
import { faultKinds } from '../faults/index.js';
import { metricCatalog } from '../monitor/metrics.js';
import { strategies } from '../release/strategies/index.js';
import { loadScenarios } from '../scenario/load.js';
import { ExitCode } from '../util/errors.js';
import { paths } from '../util/paths.js';
import type { Command } from './command.js';

const SECTIONS = ['faults', 'strategies', 'checks', 'scenarios'] as const;

/** `rehearse list`: the catalogue, one line each: faults, strategies, checks and the shipped scenarios. */
export const listCommand: Command = {
  name: 'list',
  summary: 'show the catalogue, a line each: faults, strategies, checks, shipped scenarios',
  usage: `rehearse list [${SECTIONS.join('|')}] [files|dirs]`,
  options: {},
  async run(ctx) {
    const [first, ...rest] = ctx.args;
    const section = (SECTIONS as readonly string[]).includes(first ?? '') ? first : undefined;
    const targets = section ? rest : ctx.args;
    const show = (s: (typeof SECTIONS)[number]) => section === undefined || section === s;
    // A blank line between sections only: `rehearse list scenarios | head -1` gets the heading.
    const gap = section === undefined ? '\n' : '';
    const pad = (rows: string[][]) => {
      const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
      return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  '));
    };
    if (show('faults')) {
      ctx.out(`faults (${Object.keys(faultKinds).length}):`);
      for (const line of pad(
        Object.entries(faultKinds).map(([name, k]) => [`  ${name}`, k.layer, k.summary]),
      ))
        ctx.out(line);
    }
    if (show('strategies')) {
      ctx.out(`${gap}strategies (${Object.keys(strategies).length}):`);
      for (const name of Object.keys(strategies)) ctx.out(`  ${name}`);
    }
    if (show('checks')) {
      ctx.out(`${gap}check kinds (${Object.keys(checkKindSummaries).length}):`);
      for (const line of pad(Object.entries(checkKindSummaries).map(([name, what]) => [`  ${name}`, what])))
        ctx.out(line);
      ctx.out(`\ncheck metrics (${Object.keys(metricCatalog).length}):`);
      for (const line of pad(
        Object.entries(metricCatalog).map(([name, m]) => [`  ${name}`, m.unit, m.description]),
      ))
        ctx.out(line);
    }
    if (show('scenarios')) {
      const loaded = loadScenarios(targets.length ? targets : [paths.scenarios], ctx.cwd);
      ctx.out(`${gap}scenarios (${loaded.length}):`);
      const rows = loaded.map(({ scenario: s }) => [
        `  ${s.name}`,
        s.strategy.type,
        s.faults.map((f) => f.type).join('+') || 'healthy',
        `→ ${s.expect.outcome}`,
        s.tags.join(','),
      ]);
      for (const line of pad(rows)) ctx.out(line);
    }
    return ExitCode.ok;
  },
};
