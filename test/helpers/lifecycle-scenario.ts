import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LoadedScenario } from '../../sim/scenario/load.js';
import { parseScenario } from '../../sim/scenario/load.js';
import { scenarioYaml } from './scenario-text.js';
import { tempDir } from './temp-dir.js';

/** A rehearsal of a few seconds on one stable and one candidate instance, as YAML text. */
export function shortScenarioYaml(name: string, overrides: Record<string, string> = {}): string {
  return scenarioYaml({
    name: `name: ${name}`,
    service: 'service: { replicas: 1, workers: 1, stable: v1, candidate: v2 }',
    traffic: 'traffic:\n  profile: { type: constant, rate: 10 }\n  duration: 3s',
    strategy:
      'strategy:\n  type: canary\n  steps: [ { setWeight: 50 }, { analyze: 1s } ]\n  analysis:\n    interval: 500ms\n    checks:\n      - { metric: error_rate, max: 0.5 }',
    faults: '',
    expect: 'expect:\n  outcome: promoted',
    ...overrides,
  });
}

/** {@link shortScenarioYaml}, parsed. */
export function shortScenario(name: string, overrides: Record<string, string> = {}): LoadedScenario {
  const file = `${name}.yaml`;
  const { scenario, problems } = parseScenario(shortScenarioYaml(name, overrides), file);
  if (!scenario) throw new Error(problems.join('\n'));
  return { scenario, file };
}

/** A {@link shortScenarioYaml} file in a fresh folder (removed after the test file), and a reports folder beside it. */
export function scenarioFile(
  name: string,
  overrides: Record<string, string> = {},
): { file: string; reports: string } {
  const dir = tempDir(`rehearsal-${name}-`);
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, shortScenarioYaml(name, overrides));
  return { file, reports: join(dir, 'reports') };
}
