import { join } from 'node:path';
import { cruise, type ICruiseResult, type IViolation } from 'dependency-cruiser';
import extractTSConfig from 'dependency-cruiser/config-utl/extract-ts-config';
import { describe, expect, it } from 'vitest';
import { forbidden, options } from '../../.dependency-cruiser.mjs';

const root = join(import.meta.dirname, '../..');

/** Cruises `dirs` (relative to `baseDir`) with the project's rules; module paths in the result are relative to it. */
async function cruiseWithRules(baseDir: string, dirs: string[]): Promise<ICruiseResult> {
  const { output } = await cruise(
    dirs,
    { ...options, baseDir, validate: true, ruleSet: { forbidden } },
    undefined,
    { tsConfig: extractTSConfig(join(root, options.tsConfig.fileName)) },
  );
  return output as ICruiseResult;
}

/** One line a person can act on: the rule, the arrow (or the cycle), and why the rule exists. */
function describeViolation(v: IViolation): string {
  const arrow = v.cycle?.length ? [v.from, ...v.cycle.map((c) => c.name)].join(' → ') : `${v.from} → ${v.to}`;
  const rule = forbidden.find((r) => r.name === v.rule.name);
  return `${v.rule.name}: ${arrow}${rule?.comment ? ` (${rule.comment})` : ''}`;
}

/** The folder of a module under sim/ (`sim/release/strategies/canary.ts` → `release`), else undefined. */
const folderOf = (path: string) => /^sim\/([^/]+)\//.exec(path)?.[1];

/**
 * Folders of sim/ that import each other, directly or round a loop (modules may be acyclic while their folders
 * are not: a.ts → b/x.ts → a/y.ts). Each cycle as its folders, sorted; none when the folders are layered.
 */
function folderCycles(result: ICruiseResult): string[][] {
  const edges = new Map<string, Set<string>>();
  for (const m of result.modules) {
    const from = folderOf(m.source);
    if (!from) continue;
    for (const d of m.dependencies) {
      const to = folderOf(d.resolved);
      if (to && to !== from) edges.set(from, (edges.get(from) ?? new Set()).add(to));
    }
  }
  const reaches = (a: string, b: string, seen = new Set<string>()): boolean =>
    [...(edges.get(a) ?? [])].some((n) => n === b || (!seen.has(n) && seen.add(n) && reaches(n, b, seen)));
  const folders = [...edges.keys()].sort();
  const cycles = new Map<string, string[]>();
  for (const a of folders) {
    const loop = folders.filter((b) => b === a || (reaches(a, b) && reaches(b, a)));
    if (loop.length > 1) cycles.set(loop.join(), loop);
  }
  return [...cycles.values()];
}

describe('import boundaries (.dependency-cruiser.mjs)', () => {
  it('the code base has no import cycle and no forbidden arrow', async () => {
    const result = await cruiseWithRules(root, ['sim', 'fixtures', 'bench']);
    expect(result.summary.violations.map(describeViolation)).toEqual([]);
    expect(folderCycles(result), 'folders of sim/ that import each other').toEqual([]);
    // A rule whose `from` matches nothing (a folder renamed under it) would pass forever: each must match a module.
    const sources = result.modules.map((m) => m.source);
    for (const rule of forbidden) {
      if (!rule.from.path) continue;
      const from = new RegExp(String(rule.from.path));
      expect(
        sources.some((s) => from.test(s)),
        `${rule.name}: from ${rule.from.path} matches no module`,
      ).toBe(true);
    }
  });

  it('every rule fires on a known-bad tree (test/architecture/bad-tree: one bad import per rule)', async () => {
    const result = await cruiseWithRules(join(import.meta.dirname, 'bad-tree'), ['sim', 'fixtures']);
    const fired = (name: string) =>
      result.summary.violations.filter((v) => v.rule.name === name).map((v) => `${v.from} → ${v.to}`);
    // a.ts and b.ts import only each other's types: type-only imports count for cycles.
    expect(fired('no-cycle')).toEqual(['sim/util/a.ts → sim/util/b.ts']);
    expect(fired('vocabulary-at-the-bottom')).toEqual(['sim/vocabulary/bad.ts → sim/release/bad.ts']);
    expect(fired('light-commands')).toEqual(['sim/commands/plan.ts → sim/platform/docker/d.ts']);
    expect(fired('release-analysis-not-traffic').sort()).toEqual([
      'sim/analysis/bad.ts → sim/traffic/t.ts',
      'sim/release/bad.ts → sim/traffic/t.ts',
    ]);
    expect(fired('analysis-not-platform')).toEqual(['sim/analysis/bad.ts → sim/platform/p.ts']);
    expect(fired('scenario-is-pure').sort()).toEqual([
      'sim/scenario/bad.ts → sim/engine/e.ts',
      'sim/scenario/bad.ts → sim/platform/p.ts',
      'sim/scenario/bad.ts → sim/report/r.ts',
    ]);
    expect(fired('report-not-platform')).toEqual(['sim/report/r.ts → sim/platform/p.ts']);
    expect(fired('judge-service-standalone')).toEqual([
      'fixtures/judge-service/src/bad.ts → sim/traffic/t.ts',
    ]);
    expect(fired('router-program-standalone')).toEqual(['sim/router/main.ts → sim/traffic/t.ts']);
    // traffic/back.ts imports release/bad.ts, which imports traffic/t.ts: no module cycle, but a folder one.
    expect(folderCycles(result)).toEqual([['release', 'traffic']]);
    // No rule is left untested.
    expect(new Set(result.summary.violations.map((v) => v.rule.name))).toEqual(
      new Set(forbidden.map((r) => r.name)),
    );
  });
});
