import { faultTypes } from '../faults/index.js';
import { strategies } from '../release/strategies/index.js';
import { type LoadedScenario, loadScenarios } from '../scenario/load.js';
import { ScenarioError } from '../util/errors.js';
import { paths } from '../util/paths.js';

/**
 * Loads scenarios from `targets` (default: the shipped suite) and keeps those matching any of
 * `filters` (a tag, a strategy type or a fault type). With no targets and no filters, `defaultTag` applies.
 */
export function selectScenarios(
  targets: string[],
  cwd: string,
  filters: string[] | undefined,
  defaultTag?: string,
): LoadedScenario[] {
  const loaded = loadScenarios(targets.length > 0 ? targets : [paths.scenarios], cwd);
  const wanted =
    filters && filters.length > 0 ? filters : targets.length === 0 && defaultTag ? [defaultTag] : undefined;
  if (!wanted) return loaded;
  const picked = loaded.filter((l) =>
    wanted.some(
      (t) =>
        l.scenario.tags.includes(t) ||
        l.scenario.strategy.type === t ||
        l.scenario.faults.some((f) => f.type === t),
    ),
  );
  if (picked.length === 0) {
    const tags = [...new Set(loaded.flatMap((l) => l.scenario.tags))].sort();
    throw new ScenarioError([
      `no scenario matches ${wanted.join(', ')}; tags in use: ${tags.join(', ') || 'none'}`,
    ]);
  }
  return picked;
}

/** Narrows scenarios to the given strategy types and fault types (each list: any of); unknown names are errors listing the valid ones. */
export function filterScenarios(
  loaded: LoadedScenario[],
  only: { strategies?: string[]; faults?: string[] },
): LoadedScenario[] {
  const problems: string[] = [];
  const validStrategies = Object.keys(strategies);
  for (const s of only.strategies ?? [])
    if (!validStrategies.includes(s))
      problems.push(`--strategy ${s}: unknown strategy; valid: ${validStrategies.join(', ')}`);
  for (const f of only.faults ?? []) {
    if (f !== 'none' && !(faultTypes as string[]).includes(f))
      problems.push(`--fault ${f}: unknown fault kind; valid: none, ${faultTypes.join(', ')}`);
  }
  if (problems.length > 0) throw new ScenarioError(problems);
  const picked = loaded.filter(
    (l) =>
      (!only.strategies?.length || only.strategies.includes(l.scenario.strategy.type)) &&
      (!only.faults?.length ||
        only.faults.some((f) =>
          f === 'none' ? l.scenario.faults.length === 0 : l.scenario.faults.some((x) => x.type === f),
        )),
  );
  if (picked.length === 0)
    throw new ScenarioError([
      `no scenario matches ${[...(only.strategies ?? []), ...(only.faults ?? [])].join(', ')}`,
    ]);
  return picked;
}
