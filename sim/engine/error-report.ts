import type { LoadedScenario } from '../scenario/load.js';
import { messageOf, RehearsalError } from '../util/errors.js';
import type { ScenarioReport } from '../vocabulary/report-model.js';

/** The report of a scenario the harness could not rehearse (classification `harness-error`). */
export function errorReport(loaded: LoadedScenario, error: unknown, durationMs: number): ScenarioReport {
  const { scenario, file } = loaded;
  const message = messageOf(error);
  const hint = error instanceof RehearsalError ? error.hint : undefined;
  return {
    name: scenario.name,
    file,
    description: scenario.description,
    seed: scenario.seed,
    strategy: scenario.strategy.type,
    faults: [],
    versions: { stable: scenario.service.stable, candidate: scenario.service.candidate },
    passed: false,
    status: 'error',
    classification: 'harness-error',
    reason: `harness error: ${message}`,
    expected: { outcome: scenario.expect.outcome },
    observed: { outcome: 'none', reason: message, failedRequests: 0, wrongVerdicts: 0, lostSubmissions: 0 },
    expectations: [],
    blastRadius: { byVersion: {}, byPhase: {} },
    traffic: {
      planned: 0,
      sent: 0,
      notSent: 0,
      targetRate: 0,
      achievedRate: 0,
      lagP99Ms: 0,
      lagMaxMs: 0,
      distorted: false,
    },
    measurements: [],
    timeline: [],
    series: { t: [], candidateWeight: [], users: {}, monitoring: {} },
    durationMs,
    analysisIntervalMs: scenario.strategy.analysis.interval,
    error: { message, ...(hint ? { hint } : {}) },
  };
}
