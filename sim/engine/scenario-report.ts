import { monitoringSeries } from '../monitor/series.js';
import type { Platform } from '../platform/platform.js';
import { chartThresholds, userSeries } from '../report/series.js';
import type { LoadedScenario } from '../scenario/load.js';
import { messageOf, RehearsalError } from '../util/errors.js';
import { seconds } from '../util/format.js';
import { trafficDistortion } from '../verdict/distortion.js';
import type { ScenarioReport } from '../vocabulary/report-model.js';
import type { TrafficStats } from '../vocabulary/traffic-stats.js';
import type { RecordsTruth } from './live-rig.js';
import type { Rehearsal } from './rehearsal.js';

/** The traffic of a scenario that sent none. */
const noTraffic: TrafficStats = {
  planned: 0,
  sent: 0,
  notSent: 0,
  targetRate: 0,
  achievedRate: 0,
  lagP99Ms: 0,
  lagMaxMs: 0,
};

/** What every report of a scenario states first, judged or not. */
function identity(loaded: LoadedScenario) {
  const { scenario, file } = loaded;
  return {
    name: scenario.name,
    file,
    description: scenario.description,
    ...(scenario.source ? { source: scenario.source } : {}),
    seed: scenario.seed,
    strategy: scenario.strategy.type,
  };
}

const versionsOf = ({ scenario }: LoadedScenario) => ({
  stable: scenario.service.stable,
  candidate: scenario.service.candidate,
});

/** The report of a rehearsal run on a platform: judged, or (stopped by Ctrl-C or `--timeout`) interrupted. */
export function scenarioReport(loaded: LoadedScenario, run: Rehearsal<RecordsTruth>): ScenarioReport {
  const { scenario } = loaded;
  const { judgement, controller: result, timeline, analysis } = run;
  const { records } = run.traffic.truth;
  const stats = run.traffic.stats ?? noTraffic;
  const versions = versionsOf(loaded);
  const distortion = run.interrupted ? null : trafficDistortion(stats);
  const durationMs = Math.min(scenario.traffic.duration, timeline.now());
  const report: ScenarioReport = {
    ...identity(loaded),
    faults: run.faults,
    versions,
    passed: judgement.passed,
    status: judgement.passed ? 'passed' : 'failure',
    classification: judgement.classification,
    reason: distortion ? `${judgement.reason} (measured under distortion: ${distortion})` : judgement.reason,
    measuredUnderDistortion: distortion !== null,
    expected: {
      outcome: scenario.expect.outcome,
      ...(scenario.expect.classification ? { classification: scenario.expect.classification } : {}),
    },
    observed: {
      outcome: result.outcome,
      reason: result.reason,
      ...pick(judgement, [
        'timeToDetectMs',
        'timeToDecisionMs',
        'timeToRollbackMs',
        'lastCandidateRequestMs',
      ]),
      failedRequests: judgement.failedRequests,
      wrongVerdicts: judgement.wrongVerdicts,
      lostSubmissions: judgement.lostSubmissions,
      stableFailures: judgement.stableFailures,
      ...(judgement.rollback ? { rollback: judgement.rollback } : {}),
      ...(result.warnings.length > 0 ? { warnings: result.warnings } : {}),
    },
    expectations: judgement.expectations,
    harm: judgement.harm,
    blastRadius: judgement.blastRadius,
    traffic: { ...stats, distorted: distortion !== null, ...(distortion ? { distortion } : {}) },
    measurements: result.measurements,
    timeline: timeline.events,
    series: {
      ...userSeries(records, timeline.events, versions.candidate, durationMs),
      monitoring: monitoringSeries(
        run.queries,
        [versions.stable, versions.candidate],
        durationMs,
        1000,
        analysis.window,
      ),
      thresholds: chartThresholds(analysis.checks, versions),
    },
    durationMs: timeline.now(),
    analysisIntervalMs: analysis.interval,
  };
  if (!run.interrupted) return report;
  return interruptedReport(report, run.interrupted.reason, { phase: 'traffic', atMs: run.interrupted.atMs });
}

/** The report of a scenario the harness could not rehearse (classification `harness-error`). */
export function errorReport(loaded: LoadedScenario, error: unknown, durationMs: number): ScenarioReport {
  const { scenario } = loaded;
  const message = messageOf(error);
  const hint = error instanceof RehearsalError ? error.hint : undefined;
  return {
    ...identity(loaded),
    faults: [],
    versions: versionsOf(loaded),
    passed: false,
    status: 'error',
    classification: 'harness-error',
    reason: `harness error: ${message}`,
    expected: { outcome: scenario.expect.outcome },
    observed: { outcome: 'none', reason: message, failedRequests: 0, wrongVerdicts: 0, lostSubmissions: 0 },
    expectations: [],
    blastRadius: { byVersion: {}, byPhase: {} },
    traffic: { ...noTraffic, distorted: false },
    measurements: [],
    timeline: [],
    series: { t: [], candidateWeight: [], users: {}, monitoring: {} },
    durationMs,
    analysisIntervalMs: scenario.strategy.analysis.interval,
    error: { message, ...(hint ? { hint } : {}) },
  };
}

/** Where in its scenario a run was stopped: `t` from the start of traffic, or during start-up (ms since the scenario began). */
export type StopPoint = { phase: 'traffic'; atMs: number } | { phase: 'start-up'; afterMs: number };

/**
 * A scenario stopped by Ctrl-C or `--timeout` before it could be judged: neither a pass nor a failure. What it
 * measured until then is kept (timeline, traffic, figures); expectations are not checked, and the requests not sent
 * are the interruption's doing, not the generator's.
 */
export function interruptedReport(r: ScenarioReport, why: string, at: StopPoint): ScenarioReport {
  const lead = why.startsWith('interrupted') ? why : `interrupted: ${why}`;
  const { notSent, planned } = r.traffic;
  const where =
    at.phase === 'traffic'
      ? `at t=${seconds(at.atMs)} s${notSent > 0 ? ` (${notSent} of ${planned} planned requests not sent)` : ''}`
      : `during start-up, ${seconds(at.afterMs)} s after the scenario began (no traffic sent)`;
  const reason = `${lead} ${where}; not judged`;
  const { distortion: _cut, ...traffic } = r.traffic;
  const { measuredUnderDistortion: _skewed, ...rest } = r;
  return {
    ...rest,
    passed: false,
    status: 'interrupted',
    classification: 'inconclusive',
    reason,
    expectations: [],
    traffic: { ...traffic, distorted: false },
    error: { message: reason, hint: 'run it again; nothing it started is left running' },
  };
}

/** The report with what the platform says about itself (images, cluster), when it says anything. */
export function withPlatformInfo(report: ScenarioReport, platform: Platform): ScenarioReport {
  const info = platform.describe?.();
  return info && Object.keys(info).length > 0 ? { ...report, platformInfo: info } : report;
}

/** A scenario whose teardown failed: a harness error (a pass or a failure cannot stand), with the rehearsal's own result kept in the reason. */
export function withTeardownProblem(report: ScenarioReport, problem: string): ScenarioReport {
  const message = `teardown failed: ${problem}`;
  if (report.status !== 'passed' && report.status !== 'failure')
    return { ...report, reason: `${report.reason}; ${message}` };
  return {
    ...report,
    passed: false,
    status: 'error',
    reason: `harness error: ${message} (the rehearsal itself: ${report.reason})`,
    error: { message, hint: '`rehearse clean` removes what a failed teardown left behind' },
  };
}

function pick<T extends object, K extends keyof T>(obj: T, keys: K[]): Partial<Pick<T, K>> {
  const out: Partial<Pick<T, K>> = {};
  for (const k of keys) if (obj[k] !== undefined) out[k] = obj[k];
  return out;
}
