import { describe, expect, it } from 'vitest';
import { parseScenario } from '../../sim/scenario/load.js';
import type { RequestRecord } from '../../sim/traffic/record.js';
import { judge } from '../../sim/verdict/judge.js';
import type { FaultOutcome } from '../../sim/vocabulary/rehearsal-verdict.js';
import type { TimelineEvent } from '../../sim/vocabulary/timeline.js';
import { scenarioYaml } from '../helpers/scenario-text.js';

const scenario = (expectBlock: string) =>
  parseScenario(scenarioYaml({ expect: expectBlock }), 'x.yaml').scenario!;

function rec(at: number, version: string, status: number, extra: Partial<RequestRecord> = {}): RequestRecord {
  return {
    seq: at,
    kind: 'submit',
    userId: 'u',
    segment: 'regular',
    intendedAt: at,
    sentAt: at,
    latencyMs: 20,
    status,
    version,
    servedBy: `${version}/x`,
    ...extra,
  };
}

const events: TimelineEvent[] = [
  { at: 1000, type: 'deploy', message: '' },
  { at: 4000, type: 'first-failure', message: '' },
  { at: 6000, type: 'decision', message: '' },
  { at: 6100, type: 'all-traffic-on-stable', message: '' },
];
const fault: FaultOutcome = {
  type: 'http-errors',
  target: 'v2',
  description: '',
  injectedAt: 1000,
  applied: true,
  appliedDetail: 'read back',
  observedResponses: 2,
  verified: true,
  detail: '',
};
const records = [
  rec(500, 'v1', 200),
  rec(2000, 'v2', 500, { fault: 'http-errors' }),
  rec(5000, 'v2', 500, { fault: 'http-errors' }),
  rec(6050, 'v1', 200),
  rec(7000, 'v1', 500),
];
/** Both versions serving from the deploy on, 40 requests each, v2 failing the first `v2Failures` of its own. */
const busy = (v2Failures: number) => [
  ...Array.from({ length: 40 }, (_, i) => rec(1000 + i * 100, 'v1', 200)),
  ...Array.from({ length: 40 }, (_, i) => rec(1050 + i * 100, 'v2', i < v2Failures ? 500 : 200)),
];
const controller = { outcome: 'rolled-back' as const, reason: 'error rate', measurements: [] };

describe('judge', () => {
  it('classifies a rolled-back bad candidate as caught, with detection and rollback times from fault start', () => {
    const j = judge({
      scenario: scenario('expect:\n  outcome: rolled-back\n  detectWithin: 5s\n  maxFailedRequests: 2'),
      controller,
      events,
      records,
      lost: [],
      faults: [fault],
    });
    expect(j).toMatchObject({
      passed: true,
      classification: 'caught',
      timeToDetectMs: 3000,
      timeToRollbackMs: 5100,
      failedRequests: 2,
      lostSubmissions: 0,
      lastCandidateRequestMs: 5000,
    });
    expect(j.blastRadius.byVersion.v2).toEqual({ requests: 2, failed: 2, slow: 0, wrongVerdicts: 0 });
    expect(j.blastRadius.byPhase['before-decision']?.v2?.failed).toBe(2);
    expect(j.blastRadius.byPhase['after-rollback']?.v1?.failed).toBe(1);
  });

  it('a check that failed once before the fault began did not detect it: detection is the first failing round after', () => {
    const round = (at: number, phase: string, check: string): TimelineEvent => ({
      at,
      type: 'analysis',
      message: '',
      data: { measurements: [{ check, phase, at, value: 0, message: '' }] },
    });
    const later = { ...fault, injectedAt: 3000 };
    const noisyFirst: TimelineEvent[] = [
      { at: 1000, type: 'deploy', message: '' },
      { at: 2000, type: 'first-failure', message: '', data: { check: 'candidate acceptance_rate >= 0.45' } },
      round(2000, 'failed', 'candidate acceptance_rate >= 0.45'),
      round(4000, 'successful', 'candidate error_rate <= 0.02'),
      round(5000, 'failed', 'candidate error_rate <= 0.02'),
      { at: 6000, type: 'decision', message: '' },
      { at: 6100, type: 'all-traffic-on-stable', message: '' },
    ];
    const input = {
      scenario: scenario('expect:\n  outcome: rolled-back\n  detectedBy: error_rate'),
      controller,
      records,
      lost: [],
      faults: [later],
    };
    const j = judge({ ...input, events: noisyFirst });
    expect(j.timeToDetectMs).toBe(2000);
    expect(j.expectations.find((e) => e.name === 'detectedBy')).toMatchObject({ passed: true });
    // No failing round after the fault: nothing detected it (before, the early failure read as "detect 0.0s").
    const j2 = judge({ ...input, events: noisyFirst.filter((e) => e.at !== 5000) });
    expect(j2.timeToDetectMs).toBeUndefined();
    expect(j2.expectations.find((e) => e.name === 'detectedBy')).toMatchObject({
      passed: false,
      actual: 'no check failed',
    });
  });

  it("measures detection from the candidate's deploy when it is faulty by construction (no scheduled fault)", () => {
    const slowByConstruction = parseScenario(
      scenarioYaml({ faults: 'faults: []', expect: 'expect:\n  outcome: rolled-back\n  detectWithin: 3s' }),
      'x.yaml',
    ).scenario!;
    const timeline: TimelineEvent[] = [
      { at: 500, type: 'deploy', message: 'baseline of v1 deployed as pool v1-baseline' },
      { at: 1500, type: 'deploy', message: 'v2 deployed' },
      ...events.slice(1),
    ];
    const j = judge({
      scenario: slowByConstruction,
      controller,
      events: timeline,
      records: [...records, ...busy(10)],
      lost: [],
      faults: [],
    });
    expect(j).toMatchObject({ passed: true, timeToDetectMs: 2500, timeToRollbackMs: 4600 });
    expect(j.harm).toMatchObject({ verdict: 'worse', by: ['failed'] });
  });

  it('charges a wrong verdict to the version that judged it (judged_by), not the one that served it', () => {
    const wrong = (at: number, judgedBy: string) =>
      rec(at, 'v1', 201, { expected: 'accepted', verdict: 'wrong-answer', judgedBy });
    const judged = [
      wrong(2000, 'v2'),
      wrong(2500, 'v1'),
      rec(3000, 'v1', 201, { expected: 'accepted', verdict: 'accepted' }),
    ];
    const j = judge({
      scenario: scenario('expect:\n  outcome: rolled-back\n  maxWrongVerdicts: 0'),
      controller,
      events,
      records: judged,
      lost: [],
      faults: [fault],
    });
    expect(j.wrongVerdicts).toBe(1);
    expect(j.expectations.find((e) => e.name === 'maxWrongVerdicts')).toMatchObject({
      passed: false,
      actual: '1',
    });
    expect(j.blastRadius.byVersion.v2?.wrongVerdicts).toBe(1);
    expect(j.blastRadius.byVersion.v1).toMatchObject({ requests: 3, wrongVerdicts: 1 });
  });

  it('fails expectations that did not hold and says which', () => {
    const j = judge({
      scenario: scenario(
        'expect:\n  outcome: rolled-back\n  detectWithin: 2s\n  maxFailedRequests: 1\n  lostSubmissions: 0',
      ),
      controller,
      events,
      records,
      lost: ['tok-1'],
      faults: [fault],
    });
    expect(j.passed).toBe(false);
    expect(j.expectations.filter((e) => !e.passed).map((e) => e.name)).toEqual([
      'detectWithin',
      'maxFailedRequests',
      'lostSubmissions',
    ]);
    expect(j.reason).toContain('detectWithin: expected <= 2.0s, got 3.0s');
  });

  it('calls a promoted bad candidate missed and a rolled-back healthy one a false rollback', () => {
    const promoted = { outcome: 'promoted' as const, reason: '', measurements: [] };
    expect(
      judge({
        scenario: scenario('expect:\n  outcome: rolled-back'),
        controller: promoted,
        events,
        records,
        lost: [],
        faults: [fault],
      }).classification,
    ).toBe('missed');
    expect(
      judge({
        scenario: scenario('expect:\n  outcome: promoted'),
        controller,
        events,
        records: busy(0),
        lost: [],
        faults: [],
      }).classification,
    ).toBe('false-rollback');
  });

  it('never passes when a fault was not verified', () => {
    const unverified = {
      ...fault,
      verified: false,
      observedResponses: 0,
      detail: 'no user response showed it',
    };
    const j = judge({
      scenario: scenario('expect:\n  outcome: rolled-back'),
      controller,
      events,
      records,
      lost: [],
      faults: [unverified],
    });
    expect(j).toMatchObject({ passed: false, classification: 'inconclusive' });
    expect(j.reason).toContain('fault not verified');
  });

  it('does not blame the candidate for failures on a baseline pool of stable', () => {
    const withBaseline = parseScenario(
      scenarioYaml({
        strategy:
          'strategy:\n  type: canary\n  baseline: true\n  steps: [ { setWeight: 10 }, { analyze: 2s } ]\n  analysis:\n    checks:\n      - { metric: error_rate, max: 0.01 }',
        expect: 'expect:\n  outcome: rolled-back',
      }),
      'x.yaml',
    ).scenario!;
    const withFailures = [...records, rec(3000, 'v1-baseline', 500)];
    const j = judge({
      scenario: withBaseline,
      controller,
      events,
      records: withFailures,
      lost: [],
      faults: [fault],
    });
    expect(j.failedRequests).toBe(2);
    expect(j.blastRadius.byVersion['v1-baseline']?.failed).toBe(1);
  });
});
