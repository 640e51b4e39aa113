import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { parseScenario } from '../../sim/scenario/load.js';
import type { Scenario } from '../../sim/scenario/schema.js';
import { defaultModel, loadModel, modelFile, type ServiceModel } from '../../sim/simulate/model.js';
import { packageRoot } from '../../sim/util/paths.js';

/** A shipped scenario file (scenarios/ or bench/scenarios/), validated. */
export function shipped(path: string): Scenario {
  const file = join(packageRoot, path);
  const { scenario, problems } = parseScenario(readFileSync(file, 'utf8'), file);
  if (!scenario) throw new Error(problems.join('\n'));
  return scenario;
}

/** A shipped scenario with some fields replaced (deep-merged one level), validated again. */
export function variant(path: string, edit: (raw: Record<string, unknown>) => void): Scenario {
  const file = join(packageRoot, path);
  const raw = parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  edit(raw);
  const { scenario, problems } = parseScenario(stringify(raw), file);
  if (!scenario) throw new Error(problems.join('\n'));
  return scenario;
}

/** The calibrated model when its file loads, else the hand-written default. */
export function testModel(): ServiceModel {
  try {
    return loadModel(modelFile);
  } catch {
    return defaultModel;
  }
}
