import { type LoadedScenario, loadScenarios } from '../scenario/load.js';
import { ScenarioError } from '../util/errors.js';
import { paths } from '../util/paths.js';

/**
 * Loads scenarios from `targets` (default: the shipped suite) and keeps those matching any of
 * `filters` (a tag, a strategy type or a fault type). With no targets and no filters, `defaultTag` applies.
 */
export function selectScenarios(targets: string[], cwd: string, filters: string[] | undefined, defaultTag?: string): LoadedScenario[] {
  const loaded = loadScenarios(targets.length > 0 ? targets : [paths.scenarios], cwd);
  const wanted = filters && filters.length > 0 ? filters : targets.length === 0 && defaultTag ? [defaultTag] : undefined;
  if (!wanted) return loaded;
  const picked = loaded.filter((l) =>
    wanted.some((t) => l.scenario.tags.includes(t) || l.scenario.strategy.type === t || l.scenario.faults.some((f) => f.type === t)),
  );
  if (picked.length === 0) {
    const tags = [...new Set(loaded.flatMap((l) => l.scenario.tags))].sort();
    throw new ScenarioError([`no scenario matches ${wanted.join(', ')}; tags in use: ${tags.join(', ') || 'none'}`]);
  }
  return picked;
}
