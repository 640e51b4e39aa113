import type { Scenario } from '../scenario/schema.js';
import type { PolicyResult, ScenarioSimulation } from '../vocabulary/simulation-report.js';
import type { ServiceModel } from './model.js';
import type { PolicyName } from './policies.js';
import { policies } from './policies.js';
import { type SimulatedRun, simulateScenario } from './simulate-scenario.js';
import { distribution, proportion } from './stats.js';

/** Runs `runs` seeded rehearsals per policy; run i uses seed `seed + i` under every policy, so policies face the same draws. */
export async function simulateMany(
  scenario: Scenario,
  model: ServiceModel,
  opts: {
    runs: number;
    seed: number;
    policies: PolicyName[];
    stepMs?: number;
    onRun?: (policy: PolicyName, run: SimulatedRun) => void;
  },
): Promise<ScenarioSimulation> {
  const results: PolicyResult[] = [];
  for (const policy of opts.policies) {
    const runs: SimulatedRun[] = [];
    for (let i = 0; i < opts.runs; i++) {
      const run = await simulateScenario(scenario, model, {
        seed: opts.seed + i,
        policy,
        ...(opts.stepMs ? { stepMs: opts.stepMs } : {}),
      });
      runs.push(run);
      opts.onRun?.(policy, run);
    }
    results.push(summarise(scenario, policy, runs));
  }
  return {
    scenario: scenario.name,
    expected: scenario.expect.outcome,
    seeds: { first: opts.seed, count: opts.runs },
    policies: results,
  };
}

/** Summarises the runs of one policy. */
export function summarise(scenario: Scenario, policy: PolicyName, runs: SimulatedRun[]): PolicyResult {
  const outcomes: Record<string, number> = {};
  for (const r of runs) outcomes[r.controller.outcome] = (outcomes[r.controller.outcome] ?? 0) + 1;
  const rolledBack = runs.filter((r) => r.controller.outcome === 'rolled-back').length;
  const classifications: PolicyResult['classifications'] = {};
  for (const r of runs) {
    const c = r.judgement.classification;
    classifications[c] = (classifications[c] ?? 0) + 1;
  }
  const bad = scenario.expect.outcome === 'rolled-back';
  const stable = scenario.service.stable;
  const hurt = runs.map((r) =>
    Object.entries(r.judgement.blastRadius.byVersion)
      .filter(([v]) => v !== stable)
      .reduce((s, [, i]) => s + i.failed + i.slow + i.wrongVerdicts, 0),
  );
  return {
    policy,
    description: policies[policy].description,
    runs: runs.length,
    outcomes,
    ...(bad ? { detectionProbability: proportion(rolledBack, runs.length) } : {}),
    ...(scenario.expect.outcome === 'promoted'
      ? { falseRollbackRate: proportion(rolledBack, runs.length) }
      : {}),
    passRate: proportion(runs.filter((r) => r.judgement.passed).length, runs.length),
    classifications,
    missedRate: proportion(classifications.missed ?? 0, runs.length),
    harmFalseRollbackRate: proportion(classifications['false-rollback'] ?? 0, runs.length),
    timeToDetectMs: distribution(
      runs.flatMap((r) =>
        r.judgement.timeToDetectMs !== undefined && r.controller.outcome === 'rolled-back'
          ? [r.judgement.timeToDetectMs]
          : [],
      ),
    ),
    timeToRollbackMs: distribution(
      runs.flatMap((r) => (r.judgement.timeToRollbackMs !== undefined ? [r.judgement.timeToRollbackMs] : [])),
    ),
    blastRadius: distribution(hurt),
    failedRequests: distribution(runs.map((r) => r.judgement.failedRequests)),
    requests: runs.reduce((s, r) => s + r.requests, 0),
  };
}
