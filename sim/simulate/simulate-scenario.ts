import type { AnalysisConfig } from '../analysis/config.js';
import { rehearse } from '../engine/rehearsal.js';
import type { ControllerResult } from '../release/controller.js';
import type { Scenario } from '../scenario/schema.js';
import type { Judgement } from '../verdict/judge.js';
import type { FaultOutcome } from '../vocabulary/rehearsal-verdict.js';
import type { TimelineEvent } from '../vocabulary/timeline.js';
import type { ServiceModel } from './model.js';
import { type PolicyName, policies } from './policies.js';
import { type SimulatedRigOptions, simulatedRig } from './simulated-rig.js';

/**
 * How much of each run record `simulateMany` hands its caller: `outcomes` leaves out the analysis measurements
 * (`controller.measurements` and the analysis events' `data.measurements`, nine tenths of a record), `full` keeps
 * everything.
 */
export type RunRecords = 'outcomes' | 'full';

/** Options of one simulated rehearsal. */
export interface SimulationOptions extends SimulatedRigOptions {
  policy?: PolicyName;
  /** `outcomes`: the caller keeps no analysis measurements (see `recordOf`), so successful ones are made without a message. Default `full`. */
  records?: RunRecords;
}

/** One simulated rehearsal: the controller's result, the verdict, and the timeline. */
export interface SimulatedRun {
  seed: number;
  controller: ControllerResult;
  judgement: Judgement;
  faults: FaultOutcome[];
  events: TimelineEvent[];
  /** Requests the model generated. */
  requests: number;
  /** Virtual time the rehearsal took, ms. */
  durationMs: number;
}

/** Policies' analysis blocks per scenario: parsed once, not at every run (the controller only reads them). */
const analyses = new WeakMap<Scenario, Map<PolicyName, AnalysisConfig>>();

function analysisOf(scenario: Scenario, policy: PolicyName): AnalysisConfig {
  let byPolicy = analyses.get(scenario);
  if (!byPolicy) {
    byPolicy = new Map();
    analyses.set(scenario, byPolicy);
  }
  let analysis = byPolicy.get(policy);
  if (!analysis) {
    analysis = policies[policy].analysis(scenario);
    byPolicy.set(policy, analysis);
  }
  return analysis;
}

/**
 * Rehearses a scenario in virtual time against the service model: the same lifecycle as a live run (the real
 * ReleaseController, strategy plan, AnalysisRun, checks, Queries/MetricStore and verdict) on the simulated rig.
 */
export async function simulateScenario(
  scenario: Scenario,
  model: ServiceModel,
  opts: SimulationOptions,
): Promise<SimulatedRun> {
  const run = await rehearse(simulatedRig(scenario, model, opts), {
    scenario,
    analysis: analysisOf(scenario, opts.policy ?? 'scenario'),
    messages: opts.records === 'outcomes' ? 'decisions' : 'all',
  });
  return {
    seed: opts.seed,
    controller: run.controller,
    judgement: run.judgement,
    faults: run.faults,
    events: run.timeline.events,
    requests: run.traffic.sent,
    durationMs: run.timeline.now(),
  };
}
