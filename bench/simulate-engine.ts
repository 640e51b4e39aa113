/**
 * The simulation engine of a build: this one, or another build's `dist` directory (another checkout of this
 * package, with its package.json, fixtures and node_modules above it), so that two engines can be timed and
 * compared on the same seeds in one process.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as Load from '../sim/scenario/load.js';
import * as thisLoad from '../sim/scenario/load.js';
import type * as Model from '../sim/simulate/model.js';
import * as thisModel from '../sim/simulate/model.js';
import type * as MonteCarlo from '../sim/simulate/monte-carlo.js';
import * as thisMonteCarlo from '../sim/simulate/monte-carlo.js';

/** What a caller needs of an engine: scenario parsing, the model file, and the Monte Carlo runner. */
export interface SimulationEngine {
  /** Where the engine was loaded from (`this build` for the caller's own). */
  from: string;
  parseScenario: typeof Load.parseScenario;
  loadModel: typeof Model.loadModel;
  simulateMany: typeof MonteCarlo.simulateMany;
  endSimulationWorkers: typeof MonteCarlo.endSimulationWorkers;
}

/** This build's engine. */
export const thisEngine: SimulationEngine = {
  from: 'this build',
  parseScenario: thisLoad.parseScenario,
  loadModel: thisModel.loadModel,
  simulateMany: thisMonteCarlo.simulateMany,
  endSimulationWorkers: thisMonteCarlo.endSimulationWorkers,
};

/** The engine of the build in `dist` (a directory holding `sim/simulate/monte-carlo.js`). */
export async function engineAt(dist: string): Promise<SimulationEngine> {
  const dir = resolve(dist);
  const at = (file: string) => join(dir, file);
  // A build's modules find their package root (and its node_modules) by walking up from where they are.
  for (const need of ['sim/simulate/monte-carlo.js', 'sim/scenario/load.js', 'sim/simulate/model.js'])
    if (!existsSync(at(need)))
      throw new Error(
        `simulation engine: ${at(need)} is missing: --against wants a build's dist directory (hint: run npx tsc -p tsconfig.json in that checkout)`,
      );
  if (!existsSync(join(dir, '..', 'package.json')) || !existsSync(join(dir, '..', 'node_modules')))
    throw new Error(
      `simulation engine: ${dir} has no package.json and node_modules next to it: copy package.json and fixtures/ beside the dist copy and link node_modules there`,
    );
  const load = (await import(pathToFileURL(at('sim/scenario/load.js')).href)) as typeof Load;
  const model = (await import(pathToFileURL(at('sim/simulate/model.js')).href)) as typeof Model;
  const mc = (await import(pathToFileURL(at('sim/simulate/monte-carlo.js')).href)) as typeof MonteCarlo;
  return {
    from: dir,
    parseScenario: load.parseScenario,
    loadModel: model.loadModel,
    simulateMany: mc.simulateMany,
    endSimulationWorkers: mc.endSimulationWorkers,
  };
}
