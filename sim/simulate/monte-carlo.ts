import type { Scenario } from '../scenario/schema.js';
import type { ServiceModel } from './model.js';
import type { PolicyName } from './policies.js';
import { policies } from './policies.js';
import { type SimulatedRun, simulateScenario } from './simulate-scenario.js';
import { type Distribution, distribution, type Proportion, proportion } from './stats.js';

/** Monte Carlo results of one policy on one scenario across N seeds. */
export interface PolicyResult {
  policy: PolicyName;
  description: string;
  runs: number;
  /** Outcomes counted: promoted, rolled-back, paused, aborted. */
  outcomes: Record<string, number>;
  /** Share of runs rolled back when the candidate is bad (scenario expects a rollback). */
  detectionProbability?: Proportion;
  /** Share of runs rolled back when the candidate is healthy (scenario expects promotion). */
  falseRollbackRate?: Proportion;
  /** Share of runs whose verdict passed every expectation. */
  passRate: Proportion;
  /** Fault start → first failed check, ms, over runs that detected. */
  timeToDetectMs: Distribution | null;
  /** Fault start → all traffic on stable, ms, over runs that rolled back. */
  timeToRollbackMs: Distribution | null;
  /** Users hurt by non-stable versions (failed + slow + wrong verdicts) per run. */
  blastRadius: Distribution | null;
  /** Failed requests served by non-stable versions per run. */
  failedRequests: Distribution | null;
  requests: number;
}

/** Monte Carlo results of one scenario: every policy on the same seeds. */
export interface ScenarioSimulation {
  scenario: string;
  expected: string;
  seeds: { first: number; count: number };
  policies: PolicyResult[];
}

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
