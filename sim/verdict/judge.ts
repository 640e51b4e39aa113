import type { ControllerResult } from '../release/controller.js';
import { baselinePool } from '../release/strategies/index.js';
import type { Scenario } from '../scenario/schema.js';
import { isFailed, isWrongVerdict, type RequestRecord, verdictVersion } from '../traffic/record.js';
import type {
  BlastRadius,
  Classification,
  ExpectationResult,
  FaultOutcome,
  RollbackEffect,
} from '../vocabulary/rehearsal-verdict.js';
import type { TimelineEvent } from '../vocabulary/timeline.js';
import { rollbackEffect, stableFailures } from './aftermath.js';
import { blastRadius, blastRadiusFromCounts, type PhaseMarks, type TrafficCount } from './blast-radius.js';

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
}

/** Inputs of the judgement: expectations on one side, the controller's decisions and the users' experience on the other. */
export interface JudgeInput {
  scenario: Scenario;
  controller: ControllerResult;
  events: TimelineEvent[];
  records: RequestRecord[];
  lost: string[];
  faults: FaultOutcome[];
}

/** What users experienced, however it was gathered (per-request records live, counts in simulation). */
export interface GroundTruth {
  blastRadius: BlastRadius;
  /** Failed requests served by a non-stable version after the candidate was deployed. */
  failedRequests: number;
  wrongVerdicts: number;
  lastCandidateRequestMs?: number;
  /** Requests that failed on stable after the candidate was deployed. */
  stableFailures: number;
  /** After a rollback: whether it restored service. */
  rollback?: RollbackEffect;
}

/** Judges a rehearsal: expectations vs (controller decisions + ground truth). */
export function judge(input: JudgeInput): Judgement {
  const { scenario, records } = input;
  const { stable, candidate } = scenario.service;
  const marks = phaseMarks(input.events, input.controller.outcome);
  const deployedAt = marks.candidateDeployedAt;
  const released = records.filter((r) => deployedAt !== undefined && r.intendedAt >= deployedAt);
  const onCandidate = records.filter((r) => r.version === candidate);
  // A baseline pool runs stable's code: its failures are not the candidate's.
  const baseline = baselinePool(scenario.strategy, stable);
  const blamed = (version: string | undefined) => version !== stable && version !== baseline;
  return judgeTruth(input, {
    blastRadius: blastRadius(records, scenario.traffic.slowMs, marks),
    failedRequests: released.filter((r) => isFailed(r) && blamed(r.version)).length,
    // A wrong verdict is the judging version's doing (a shared queue lets the candidate judge stable's submissions).
    wrongVerdicts: released.filter((r) => isWrongVerdict(r) && blamed(verdictVersion(r))).length,
    ...(onCandidate.length
      ? { lastCandidateRequestMs: Math.max(...onCandidate.map((r) => r.intendedAt)) }
      : {}),
    stableFailures: stableFailures(records, stable, deployedAt),
    ...withRollback(
      marks.allOnStableAt !== undefined
        ? rollbackEffect(records, stable, marks.allOnStableAt, deployedAt)
        : undefined,
    ),
  });
}

/** Judges a simulated rehearsal from counts per version per step; same fields as `judge`. */
export function judgeCounts(input: Omit<JudgeInput, 'records'> & { counts: TrafficCount[] }): Judgement {
  const { scenario, counts } = input;
  const { stable, candidate } = scenario.service;
  const marks = phaseMarks(input.events, input.controller.outcome);
  const deployedAt = marks.candidateDeployedAt;
  let failedRequests = 0;
  let wrongVerdicts = 0;
  let last: number | undefined;
  let onStable = 0;
  const after = { requests: 0, failed: 0 };
  const before = { requests: 0, failed: 0 };
  for (const c of counts) {
    if (c.version === candidate && c.requests > 0) last = Math.max(last ?? 0, c.at);
    if (c.version === stable && deployedAt !== undefined && c.at >= deployedAt) onStable += c.failed;
    if (c.version === stable && (deployedAt === undefined || c.at < deployedAt)) {
      before.requests += c.requests;
      before.failed += c.failed;
    }
    if (marks.allOnStableAt !== undefined && c.at >= marks.allOnStableAt + 1500) {
      after.requests += c.requests;
      after.failed += c.failed;
    }
    if (
      deployedAt === undefined ||
      c.at < deployedAt ||
      c.version === stable ||
      c.version === baselinePool(scenario.strategy, stable)
    )
      continue;
    failedRequests += c.failed;
    wrongVerdicts += c.wrongVerdicts;
  }
  return judgeTruth(
    { ...input, records: [] },
    {
      blastRadius: blastRadiusFromCounts(counts, marks),
      failedRequests,
      wrongVerdicts,
      ...(last !== undefined ? { lastCandidateRequestMs: last } : {}),
      stableFailures: onStable,
      ...withRollback(after.requests > 0 ? countsRollbackEffect(after, before, stable) : undefined),
    },
  );
}

/** The rollback effect of aftermath.ts from counts (same rule: restored when failures after are at most max(2%, 2× before)). */
function countsRollbackEffect(
  after: { requests: number; failed: number },
  before: { requests: number; failed: number },
  stable: string,
): RollbackEffect {
  const failureRate = after.failed / after.requests;
  const baselineRate = before.requests ? before.failed / before.requests : 0;
  const restored = failureRate <= Math.max(0.02, baselineRate * 2);
  const pct = (v: number) => `${(v * 100).toFixed(1)}%`;
  const detail = restored
    ? `after the rollback ${pct(failureRate)} of ${after.requests} requests failed (before the release: ${pct(baselineRate)})`
    : `rollback did not restore service: ${pct(failureRate)} of ${after.requests} requests still failed after all traffic was on ${stable} (before the release: ${pct(baselineRate)})`;
  return { restored, failureRate, baselineRate, requests: after.requests, detail };
}

function withRollback(rollback: RollbackEffect | undefined): { rollback?: RollbackEffect } {
  return rollback ? { rollback } : {};
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

function judgeTruth(input: JudgeInput, truth: GroundTruth): Judgement {
  const { scenario, controller, events, faults } = input;
  const { stable, candidate } = scenario.service;
  const at = (type: TimelineEvent['type']) => events.find((e) => e.type === type)?.at;
  // Harm starts at the first fault's injection; a candidate faulty by construction (start-up toggles, no
  // scheduled fault) harms from its deploy, so its time to detect is still measured.
  const faultStart =
    faults
      .map((f) => f.injectedAt)
      .filter((t): t is number => t !== undefined)
      .sort((a, b) => a - b)[0] ??
    (scenario.faults.length === 0
      ? events.find((e) => e.type === 'deploy' && e.message.startsWith(`${candidate} `))?.at
      : undefined);
  const firstFailure = at('first-failure');
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
    const check = events.find((e) => e.type === 'first-failure')?.data?.check;
    const actual = typeof check === 'string' ? check : 'no check failed';
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

  const unverified = faults.filter((f) => !f.verified);
  const classification = classify(scenario, controller.outcome, unverified.length > 0);
  const failedExpectations = expectations.filter((e) => !e.passed);
  const passed =
    unverified.length === 0 && failedExpectations.length === 0 && classification !== 'inconclusive';
  const reason =
    unverified.length > 0
      ? `fault not verified: ${unverified.map((f) => `${f.type} (${f.detail})`).join('; ')}`
      : failedExpectations.length > 0
        ? failedExpectations.map((e) => `${e.name}: expected ${e.expected}, got ${e.actual}`).join('; ')
        : `${controller.outcome} as expected: ${controller.reason}`;
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
  };
}

function bound(name: string, max: number, actual: number | undefined, unit = ''): ExpectationResult {
  const show = (v: number) => (unit === 'ms' ? `${(v / 1000).toFixed(1)}s` : String(v));
  return {
    name,
    expected: `<= ${show(max)}`,
    actual: actual === undefined ? 'never happened' : show(actual),
    passed: actual !== undefined && actual <= max,
  };
}

function classify(
  scenario: Scenario,
  outcome: ControllerResult['outcome'],
  unverifiedFault: boolean,
): Classification {
  if (unverifiedFault) return 'inconclusive';
  const bad = scenario.expect.outcome === 'rolled-back';
  if (outcome === 'paused' || outcome === 'aborted')
    return scenario.expect.outcome === 'paused' ? 'caught' : 'inconclusive';
  if (bad) return outcome === 'rolled-back' ? 'caught' : 'missed';
  return outcome === 'promoted' ? 'promoted' : 'false-rollback';
}
