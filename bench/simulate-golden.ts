/**
 * The simulator's golden results: a few scenarios (every strategy, a fault of each family, the per-problem split,
 * a monitoring fault, the 30-minute bench canary) rehearsed on fixed seeds, with every number of the report's
 * simulation section and a digest of each run's full record (controller measurements, verdict, timeline).
 * test/simulate/golden.test.ts compares this build against test/fixtures/simulate-golden.json, so a faster engine
 * must give byte-identical results. When a digest moves, `node dist/bench/simulate-diff.js OTHER/dist` says which
 * fields of which records moved and by how much. Regenerate (only when a change of results is intended, or
 * shown to be rounding alone) with
 * `npx tsc -p tsconfig.json && node dist/bench/simulate-golden.js > test/fixtures/simulate-golden.json`, or from
 * another build with `node dist/bench/simulate-golden.js OTHER/dist`.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { PolicyName } from '../sim/simulate/policies.js';
import { packageRoot } from '../sim/util/paths.js';
import type { ScenarioSimulation } from '../sim/vocabulary/simulation-report.js';
import { engineAt, type SimulationEngine, thisEngine } from './simulate-engine.js';

/** One golden case: a scenario file, its policies, and how many seeds from its own seed. */
export interface GoldenCase {
  file: string;
  policies: PolicyName[];
  runs: number;
}

/** The cases, chosen to cover every strategy and model path at a few seconds in all. */
export const goldenCases: GoldenCase[] = [
  { file: 'scenarios/canary-error-spike.yaml', policies: ['scenario', 'flagger', 'argo', 'ours'], runs: 20 },
  { file: 'scenarios/canary-healthy.yaml', policies: ['scenario', 'ours'], runs: 20 },
  { file: 'scenarios/canary-tail-latency.yaml', policies: ['scenario'], runs: 20 },
  { file: 'scenarios/canary-problem-regression.yaml', policies: ['scenario'], runs: 20 },
  { file: 'scenarios/canary-scrape-gap.yaml', policies: ['scenario'], runs: 20 },
  { file: 'scenarios/canary-kill.yaml', policies: ['scenario'], runs: 20 },
  { file: 'scenarios/blue-green-http-errors.yaml', policies: ['scenario', 'ours'], runs: 20 },
  { file: 'scenarios/rolling-latency.yaml', policies: ['scenario'], runs: 20 },
  { file: 'scenarios/segment-wrong-verdicts.yaml', policies: ['scenario'], runs: 20 },
  { file: 'bench/scenarios/canary-30m-healthy.yaml', policies: ['ours', 'flagger'], runs: 4 },
];

/** One run as the golden file keeps it: the figures a reader checks, and a digest of the whole record. */
export interface GoldenRun {
  seed: number;
  outcome: string;
  classification: string;
  requests: number;
  durationMs: number;
  sha256: string;
}

/** The golden results of one case. */
export interface GoldenResult {
  file: string;
  simulation: ScenarioSimulation;
  runs: Record<string, GoldenRun[]>;
}

/** Rehearses every golden case with `engine` (on one thread: the worker threads give the same results). */
export async function goldenResults(engine: SimulationEngine = thisEngine): Promise<GoldenResult[]> {
  const model = engine.loadModel(join(packageRoot, 'fixtures/judge-model.json'));
  const out: GoldenResult[] = [];
  for (const c of goldenCases) {
    const path = join(packageRoot, c.file);
    const { scenario, problems } = engine.parseScenario(readFileSync(path, 'utf8'), path);
    if (!scenario) throw new Error(`golden: ${c.file} does not parse: ${problems.join('; ')}`);
    const runs: Record<string, GoldenRun[]> = {};
    const simulation = await engine.simulateMany(scenario, model, {
      runs: c.runs,
      seed: scenario.seed,
      policies: c.policies,
      threads: 1,
      // The digests are of the whole record, measurements included.
      records: 'full',
      onRun: (policy, r) => {
        runs[policy] ??= [];
        runs[policy].push({
          seed: r.seed,
          outcome: r.controller.outcome,
          classification: r.judgement.classification,
          requests: r.requests,
          durationMs: r.durationMs,
          sha256: createHash('sha256').update(JSON.stringify(r)).digest('hex'),
        });
      },
    });
    out.push({ file: c.file, simulation, runs });
  }
  return out;
}

// Run as a program: print the golden file of this build, or of the build named by the first argument.
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const engine = process.argv[2] ? await engineAt(process.argv[2]) : thisEngine;
  process.stdout.write(`${JSON.stringify(await goldenResults(engine), null, 1)}\n`);
}
