import { type FaultType, faultKinds } from '../faults/index.js';
import type { ControllerResult } from '../release/controller.js';
import { baselinePool } from '../release/strategies/index.js';
import type { Scenario } from '../scenario/schema.js';
import type { RequestRecord } from '../traffic/record.js';
import { secs } from '../util/format.js';
import type {
  BlastRadius,
  Classification,
  ExpectationResult,
  FaultOutcome,
  Harm,
  RollbackEffect,
} from '../vocabulary/rehearsal-verdict.js';
import type { TimelineEvent } from '../vocabulary/timeline.js';
import { rollbackEffect, stableFailures } from './aftermath.js';
import { blastRadius, type PhaseMarks, type TrafficCount } from './blast-radius.js';
import { classify, expectedClassifications, markNotReached } from './classify.js';
import { countsFromRecords } from './counts.js';
import { judgeHarm } from './harm.js';

/** Everything judged about one rehearsal. */
export interface Judgement {
  passed: boolean;
  classification: Classification;
  reason: string;
  expectations: ExpectationResult[];
  timeToDetectMs?: number;
  timeToDecisionMs?: number;
  timeToRollbackMs?: number;
  lastCandidateRequestMs?: number;
  failedRequests: number;
  wrongVerdicts: number;
  lostSubmissions: number;
  /** Requests that failed on the stable version during and after the release (not blamed on the candidate). */
  stableFailures: number;
  /** After a rollback: whether it restored service. */
  rollback?: RollbackEffect;
  blastRadius: BlastRadius;
  /** Whether the candidate was worse for users than stable: what the classification is derived from. */
  harm: Harm;
  /** The faults as judged: those due only after the release was decided are marked not reached. */
  faults: FaultOutcome[];
}

/** Inputs of the judgement: expectations on one side, the controller's decisions and the users' experience on the other. */
export type JudgeInput = {
  scenario: Scenario;
  controller: ControllerResult;
  events: TimelineEvent[];
  lost: string[];
  faults: FaultOutcome[];
} & (RecordedTruth | CountedTruth);

/** Live ground truth: what each user experienced, reduced to counts (`countsFromRecords`) before judging. */
export interface RecordedTruth {
  records: RequestRecord[];
}

/** Simulated ground truth: counts per version per step. */
export interface CountedTruth {
  counts: TrafficCount[];
}

/** What users experienced, from the counts both live and simulated runs are judged on. */
export interface UserExperience {
  blastRadius: BlastRadius;
  /** Failed requests served by a non-stable version after the candidate was deployed. */
  failedRequests: number;
  wrongVerdicts: number;
  lastCandidateRequestMs?: number;
  /** Requests that failed on stable after the candidate was deployed. */
  stableFailures: number;
  /** After a rollback: whether it restored service. */
  rollback?: RollbackEffect;
  harm: Harm;
}

/** Judges a rehearsal, live or simulated: expectations vs (controller decisions + ground truth). */
export function judge(input: JudgeInput): Judgement {
  const counts =
    'counts' in input
      ? input.counts
      : countsFromRecords(input.records, input.scenario.traffic.slowMs, new Set(input.lost));
  const { scenario, events, controller } = input;
  const candidateDeployedAt = candidateDeploy(events, scenario.service.candidate);
  const faults = markNotReached(
    input.faults,
    scenario,
    controller.outcome,
    decisionTime(events, controller.outcome),
  );
  const harm = judgeHarm(counts, {
    ...scenario.service,
    deployedAt: candidateDeployedAt,
    actingFaults: [
      ...actingFaults(faults, scenario.service.candidate),
      ...byConstruction(scenario, candidateDeployedAt),
    ],
    ...(candidateDeployedAt === undefined && controller.outcome === 'rolled-back'
      ? { startFailure: controller.reason }
      : {}),
  });
  return judgeTruth(
    { ...input, faults },
    groundTruth(scenario, phaseMarks(events, controller.outcome), counts, harm),
  );
}

/** Faults verified acting on the candidate's responses; monitoring faults change what is seen, not what users get. */
function actingFaults(faults: FaultOutcome[], candidate: string) {
  return faults.flatMap((f) =>
    f.verified &&
    f.target === candidate &&
    f.injectedAt !== undefined &&
    faultKinds[f.type as FaultType]?.layer !== 'monitoring'
      ? [{ type: f.type, at: f.injectedAt, detail: f.detail }]
      : [],
  );
}

/**
 * A candidate started with fault toggles (faulty by construction, e.g. extra latency) acts from its deploy. A toggle
 * stable runs with the same value is the service's background (an A/A rehearsal), not the candidate's fault.
 */
function byConstruction(scenario: Scenario, deployedAt: number | undefined) {
  const toggles = scenario.service.toggles?.[scenario.service.candidate] ?? {};
  const stables = scenario.service.toggles?.[scenario.service.stable] ?? {};
  const set = Object.entries(toggles)
    .filter(([k, v]) => JSON.stringify(stables[k]) !== JSON.stringify(v))
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`);
  return deployedAt === undefined || set.length === 0
    ? []
    : [{ type: 'toggles', at: deployedAt, detail: `started with ${set.join(', ')}` }];
}

/** When the candidate itself (not a baseline pool) was deployed; undefined when it never started. */
function candidateDeploy(events: TimelineEvent[], candidate: string): number | undefined {
  const baseline = (e: TimelineEvent) =>
    e.message.startsWith('baseline of') && !e.message.startsWith(candidate);
  return events.find((e) => e.type === 'deploy' && !baseline(e))?.at;
}

/** The users' experience of the release, from counts per version per step. */
function groundTruth(
  scenario: Scenario,
  marks: PhaseMarks,
  counts: TrafficCount[],
  harm: Harm,
): UserExperience {
  const { stable, candidate } = scenario.service;
  const deployedAt = marks.candidateDeployedAt;
  // A baseline pool runs stable's code: its failures are not the candidate's.
  const baseline = baselinePool(scenario.strategy, stable);
  const blamed = (c: TrafficCount) =>
    deployedAt !== undefined && c.at >= deployedAt && c.version !== stable && c.version !== baseline;
  let failedRequests = 0;
  let wrongVerdicts = 0;
  let last: number | undefined;
  for (const c of counts) {
    if (c.version === candidate && c.requests > 0) last = last === undefined ? c.at : Math.max(last, c.at);
    if (!blamed(c)) continue;
    failedRequests += c.failed;
    // A wrong verdict is the judging version's doing (a shared queue lets the candidate judge stable's submissions).
    wrongVerdicts += c.wrongVerdicts;
  }
  const rollback =
    marks.allOnStableAt !== undefined
      ? rollbackEffect(counts, stable, marks.allOnStableAt, deployedAt)
      : undefined;
  return {
    blastRadius: blastRadius(counts, marks),
    failedRequests,
    wrongVerdicts,
    ...(last !== undefined ? { lastCandidateRequestMs: last } : {}),
    stableFailures: stableFailures(counts, stable, deployedAt),
    ...(rollback ? { rollback } : {}),
    harm,
  };
}

/** The times that split a run into phases, from its timeline. */
export function phaseMarks(events: TimelineEvent[], outcome: ControllerResult['outcome']): PhaseMarks {
  const at = (type: TimelineEvent['type']) => events.find((e) => e.type === type)?.at;
  return {
    candidateDeployedAt: at('deploy'),
    decisionAt: outcome === 'rolled-back' ? at('decision') : undefined,
    allOnStableAt: outcome === 'rolled-back' ? at('all-traffic-on-stable') : undefined,
    promotedAt: at('promoted'),
  };
}

function judgeTruth(input: JudgeInput, truth: UserExperience): Judgement {
  const { scenario, controller, events, faults } = input;
  const { stable, candidate } = scenario.service;
  const decidedAt = decisionTime(events, controller.outcome);
  // Detection is timed from the first fault's injection; a candidate faulty by construction (start-up
  // toggles, no scheduled fault) from its deploy, so its time to detect is still measured.
  const faultStart =
    faults
      // A fault the release never reached did not start anything the detection could be timed from.
      .filter((f) => !f.notReached)
      .map((f) => f.injectedAt)
      .filter((t): t is number => t !== undefined)
      .sort((a, b) => a - b)[0] ??
    (scenario.faults.length === 0 ? candidateDeploy(events, candidate) : undefined);
  // Detection is the first failing check at or after the fault began: a noisy check that failed once before
  // the fault existed (and decided nothing) did not detect it.
  const detection = firstFailingCheck(events, faultStart);
  const firstFailure = detection?.at;
  const marks = phaseMarks(events, controller.outcome);
  const decisionAt = marks.decisionAt;
  const allOnStable = marks.allOnStableAt;
  const { failedRequests, wrongVerdicts, lastCandidateRequestMs } = truth;
  const radius = truth.blastRadius;
  const since = (t: number | undefined) =>
    t !== undefined && faultStart !== undefined ? Math.max(0, t - faultStart) : undefined;

  const expect = scenario.expect;
  const expectations: ExpectationResult[] = [
    {
      name: 'outcome',
      expected: expect.outcome,
      actual: controller.outcome,
      passed: controller.outcome === expect.outcome,
    },
  ];
  const timeToDetectMs = since(firstFailure);
  const timeToRollbackMs = since(allOnStable);
  if (expect.detectWithin !== undefined) {
    expectations.push(bound('detectWithin', expect.detectWithin, timeToDetectMs, 'ms'));
  }
  if (expect.rollbackWithin !== undefined) {
    expectations.push(bound('rollbackWithin', expect.rollbackWithin, timeToRollbackMs, 'ms'));
  }
  if (expect.maxFailedRequests !== undefined)
    expectations.push(bound('maxFailedRequests', expect.maxFailedRequests, failedRequests));
  if (expect.maxWrongVerdicts !== undefined)
    expectations.push(bound('maxWrongVerdicts', expect.maxWrongVerdicts, wrongVerdicts));
  expectations.push(bound('lostSubmissions', expect.lostSubmissions, input.lost.length));
  if (expect.detectedBy !== undefined) {
    const actual = detection?.check ?? 'no check failed';
    expectations.push({
      name: 'detectedBy',
      expected: expect.detectedBy,
      actual,
      passed: actual.includes(expect.detectedBy),
    });
  }
  const rollback = truth.rollback;
  if (expect.rollbackRestoresService !== undefined) {
    expectations.push({
      name: 'rollbackRestoresService',
      expected: String(expect.rollbackRestoresService),
      actual: rollback ? String(rollback.restored) : 'no rollback',
      passed: rollback?.restored === expect.rollbackRestoresService,
    });
  }
  const onStable = truth.stableFailures;

  const unverified = faults.filter((f) => !f.verified && !f.notReached);
  const notReachedAt = faults
    .flatMap((f, i) =>
      f.notReached && f.target === candidate ? [f.injectedAt ?? scenario.faults[i]?.at ?? Number.NaN] : [],
    )
    .filter(Number.isFinite)
    .sort((a, b) => a - b)[0];
  const { classification, why } = classify({
    harm: truth.harm,
    outcome: controller.outcome,
    ...(decidedAt !== undefined ? { decidedAt } : {}),
    unverified,
    ...(notReachedAt !== undefined ? { notReachedAt } : {}),
    versions: { stable, candidate },
  });
  const agreeing = expectedClassifications(expect);
  expectations.push({
    name: 'classification',
    expected: agreeing.join(' or '),
    actual: classification,
    passed: agreeing.includes(classification),
  });
  const failedExpectations = expectations.filter((e) => !e.passed);
  // The author's expectation and the ground truth must agree: holding expectations alone is not a pass.
  const passed = unverified.length === 0 && failedExpectations.length === 0;
  const disagreement = failedExpectations.some((e) => e.name === 'classification')
    ? [`expected ${agreeing.join(' or ')}, but ${why}: ${classification}`]
    : [];
  const others = failedExpectations.filter((e) => e.name !== 'classification');
  const reason =
    unverified.length > 0
      ? `fault not verified: ${unverified.map((f) => `${f.type} (${f.detail})`).join('; ')}`
      : failedExpectations.length > 0
        ? [...disagreement, ...others.map((e) => `${e.name}: expected ${e.expected}, got ${e.actual}`)].join(
            '; ',
          )
        : `${controller.outcome} as expected: ${controller.reason}${
            // A pass that is not plainly caught or promoted says what users got, so nobody reads it as one.
            classification === 'caught' || classification === 'promoted' ? '' : `; ${classification}: ${why}`
          }`;
  const notes = [
    ...(rollback && !rollback.restored ? [rollback.detail] : []),
    ...(onStable > 0 && classification !== 'caught' && classification !== 'missed'
      ? [`${onStable} request(s) failed on ${stable}, the stable version: not counted against ${candidate}`]
      : []),
  ];
  return {
    passed,
    classification,
    reason: [reason, ...notes].join('; '),
    expectations,
    ...(timeToDetectMs !== undefined ? { timeToDetectMs } : {}),
    ...(since(decisionAt) !== undefined ? { timeToDecisionMs: since(decisionAt)! } : {}),
    ...(timeToRollbackMs !== undefined ? { timeToRollbackMs } : {}),
    ...(lastCandidateRequestMs !== undefined ? { lastCandidateRequestMs } : {}),
    failedRequests,
    wrongVerdicts,
    lostSubmissions: input.lost.length,
    stableFailures: onStable,
    ...(rollback ? { rollback } : {}),
    blastRadius: radius,
    harm: truth.harm,
    faults,
  };
}

/** When the release was decided: the rollback or pause decision, or the promotion. */
function decisionTime(events: TimelineEvent[], outcome: ControllerResult['outcome']): number | undefined {
  const at = (type: TimelineEvent['type']) => events.find((e) => e.type === type)?.at;
  if (outcome === 'rolled-back') return at('decision') ?? at('all-traffic-on-stable');
  if (outcome === 'paused') return at('paused') ?? at('decision');
  if (outcome === 'promoted') return at('promoted');
  return undefined;
}

function bound(name: string, max: number, actual: number | undefined, unit = ''): ExpectationResult {
  const show = (v: number) => (unit === 'ms' ? secs(v) : String(v));
  return {
    name,
    expected: `<= ${show(max)}`,
    actual: actual === undefined ? 'never happened' : show(actual),
    passed: actual !== undefined && actual <= max,
  };
}

/** The first analysis round at or after `from` (any round when unknown) with a failing check: when, and which check. */
function firstFailingCheck(
  events: TimelineEvent[],
  from: number | undefined,
): { at: number; check: string } | undefined {
  // The controller marks the first failing check of the whole run; when that is before the fault, the rounds after it are searched.
  const first = events.find((e) => e.type === 'first-failure');
  if (first && (from === undefined || first.at >= from))
    return {
      at: first.at,
      check: typeof first.data?.check === 'string' ? first.data.check : 'no check failed',
    };
  for (const e of events) {
    if (e.type !== 'analysis' || (from !== undefined && e.at < from)) continue;
    const measurements = e.data?.measurements;
    if (!Array.isArray(measurements)) continue;
    const failed = (measurements as { phase?: string; check?: string }[]).find((m) => m.phase === 'failed');
    if (failed) return { at: e.at, check: String(failed.check) };
  }
  return undefined;
}
