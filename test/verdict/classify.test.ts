import { describe, expect, it } from 'vitest';
import { parseScenario } from '../../sim/scenario/load.js';
import type { RequestRecord } from '../../sim/traffic/record.js';
import { classify, expectedClassifications, markNotReached } from '../../sim/verdict/classify.js';
import { judge } from '../../sim/verdict/judge.js';
import type { FaultOutcome, Harm } from '../../sim/vocabulary/rehearsal-verdict.js';
import type { TimelineEvent } from '../../sim/vocabulary/timeline.js';
import { scenarioYaml } from '../helpers/scenario-text.js';

const versions = { stable: 'v1', candidate: 'v2' };
const harm = (verdict: Harm['verdict'], firstHarmAt?: number): Harm => ({
  verdict,
  by: verdict === 'worse' ? ['failed'] : [],
  evidence: verdict === 'worse' ? 'failed requests: 30 of 200 vs 1 of 800' : 'no worse',
  ...(firstHarmAt !== undefined ? { firstHarmAt } : {}),
  period: 'concurrent',
  alpha: 0.01,
  tests: [],
});
const fault = (extra: Partial<FaultOutcome> = {}): FaultOutcome => ({
  type: 'http-errors',
  target: 'v2',
  description: '',
  injectedAt: 14_000,
  applied: false,
  appliedDetail: 'could not be injected (fetch failed)',
  verified: false,
  detail: 'could not be injected (fetch failed)',
  ...extra,
});
const base = { unverified: [], versions };

describe('classification from harm, decision and time', () => {
  it('caught: harmed, and rolled back or paused after the harm began', () => {
    for (const outcome of ['rolled-back', 'paused'] as const)
      expect(classify({ ...base, harm: harm('worse', 3000), outcome, decidedAt: 9000 }).classification).toBe(
        'caught',
      );
  });

  it('missed: harmed, and promoted or still serving users at the end', () => {
    expect(classify({ ...base, harm: harm('worse', 3000), outcome: 'promoted' })).toMatchObject({
      classification: 'missed',
      why: expect.stringMatching(
        /^v2 was worse for users \(failed requests: 30 of 200 vs 1 of 800\) and was promoted/,
      ),
    });
    expect(classify({ ...base, harm: harm('worse', 3000), outcome: 'aborted' }).classification).toBe(
      'missed',
    );
  });

  it('false-rollback: rolled back unharmed, before the harm began, or before the fault started', () => {
    expect(
      classify({ ...base, harm: harm('not-worse'), outcome: 'rolled-back', decidedAt: 9000 }).classification,
    ).toBe('false-rollback');
    expect(
      classify({ ...base, harm: harm('worse', 12_000), outcome: 'rolled-back', decidedAt: 10_600 }),
    ).toMatchObject({
      classification: 'false-rollback',
      why: 'rolled back at 10.6s, before the harm began at 12.0s',
    });
    expect(
      classify({
        ...base,
        harm: harm('not-worse'),
        outcome: 'rolled-back',
        decidedAt: 10_600,
        notReachedAt: 14_000,
      }).why,
    ).toMatch(/^rolled back at 10\.6s, before v2's fault started at 14\.0s/);
  });

  it('promoted: not harmed, promoted', () => {
    expect(classify({ ...base, harm: harm('not-worse'), outcome: 'promoted' }).classification).toBe(
      'promoted',
    );
  });

  it('inconclusive: too little data, a fault not verified, or paused with no harm seen', () => {
    expect(classify({ ...base, harm: harm('too-little-data'), outcome: 'promoted' }).classification).toBe(
      'inconclusive',
    );
    expect(
      classify({ ...base, harm: harm('worse', 1), outcome: 'rolled-back', unverified: [fault()] })
        .classification,
    ).toBe('inconclusive');
    expect(classify({ ...base, harm: harm('not-worse'), outcome: 'paused', decidedAt: 5000 })).toMatchObject({
      classification: 'inconclusive',
      why: 'paused at 5.0s with no harm seen',
    });
  });

  it('the classifications an expectation agrees with', () => {
    const expect_ = (outcome: 'promoted' | 'rolled-back' | 'paused', classification?: 'missed') =>
      expectedClassifications({ outcome, lostSubmissions: 0, ...(classification ? { classification } : {}) });
    expect(expect_('promoted')).toEqual(['promoted']);
    expect(expect_('rolled-back')).toEqual(['caught']);
    expect(expect_('paused')).toEqual(['caught', 'inconclusive']);
    expect(expect_('promoted', 'missed')).toEqual(['missed']);
  });
});

describe('faults the release never reached', () => {
  const scenario = parseScenario(
    scenarioYaml({ faults: 'faults:\n  - { type: http-errors, target: candidate, rate: 0.5, at: 14s }' }),
    'x.yaml',
  ).scenario!;

  it('a fault due after the decision reads "not reached", not an injection failure', () => {
    const [f] = markNotReached([fault()], scenario, 'rolled-back', 10_600);
    expect(f).toMatchObject({ notReached: true, detail: 'not reached (release decided at 10.6s)' });
    // One due before the decision that failed is still a failure.
    expect(
      markNotReached([fault({ injectedAt: 9000 })], scenario, 'rolled-back', 10_600)[0]!.notReached,
    ).toBe(undefined);
    // After a promotion the candidate keeps serving: its faults still act.
    expect(markNotReached([fault()], scenario, 'promoted', 10_600)[0]!.notReached).toBe(undefined);
  });
});

describe('the judgement: ground truth against the expectation', () => {
  const rec = (at: number, version: string, extra: Partial<RequestRecord> = {}): RequestRecord => ({
    seq: at,
    kind: 'submit',
    userId: 'u',
    segment: 'regular',
    intendedAt: at,
    sentAt: at,
    latencyMs: 20,
    status: 201,
    version,
    servedBy: `${version}/x`,
    expected: 'accepted',
    verdict: 'accepted',
    ...extra,
  });
  /** 20 s, both versions serving; v2 gives `wrong` wrong verdicts at HTTP 200 from 5 s. */
  const traffic = (wrong: number) =>
    Array.from({ length: 200 }, (_, i) => {
      const at = 1000 + i * 100;
      const v2 = i % 2 === 1;
      const bad = v2 && at >= 5000 && (i - 1) / 2 < 40 + wrong && (i - 1) / 2 >= 40;
      return rec(at, v2 ? 'v2' : 'v1', bad ? { verdict: 'wrong-answer', judgedBy: 'v2' } : {});
    });
  const events = (decision: 'promoted' | 'decision', at: number): TimelineEvent[] => [
    { at: 1000, type: 'deploy', message: 'v2 deployed' },
    { at, type: decision, message: '' },
  ];
  const promoted = { outcome: 'promoted' as const, reason: 'every step passed', measurements: [] };
  const scenarioExpecting = (block: string) =>
    parseScenario(scenarioYaml({ faults: 'faults: []', expect: `expect: ${block}` }), 'x.yaml').scenario!;

  it('a promoted candidate that gave users wrong verdicts is missed, and the expectation of promotion fails saying so', () => {
    const j = judge({
      scenario: scenarioExpecting('{ outcome: promoted }'),
      controller: promoted,
      events: events('promoted', 18_000),
      records: traffic(30),
      lost: [],
      faults: [],
    });
    expect(j.classification).toBe('missed');
    expect(j.harm).toMatchObject({ verdict: 'worse', by: ['wrong-verdicts'] });
    expect(j.passed).toBe(false);
    expect(j.expectations.find((e) => e.name === 'outcome')?.passed).toBe(true);
    expect(j.reason).toMatch(
      /^expected promoted, but v2 was worse for users \(wrong verdicts: 30 of 100 .*\) and was promoted: missed/,
    );
  });

  it('a scenario written to show a blind policy passes with expect.classification: missed', () => {
    const j = judge({
      scenario: scenarioExpecting('{ outcome: promoted, classification: missed }'),
      controller: promoted,
      events: events('promoted', 18_000),
      records: traffic(30),
      lost: [],
      faults: [],
    });
    expect(j).toMatchObject({ classification: 'missed', passed: true });
  });

  it('a rollback before the fault is due is a false rollback, and the fault is not reached', () => {
    const scenario = parseScenario(
      scenarioYaml({
        faults: 'faults:\n  - { type: http-errors, target: candidate, rate: 0.5, at: 9s }',
        expect: 'expect: { outcome: rolled-back, classification: false-rollback }',
      }),
      'x.yaml',
    ).scenario!;
    const j = judge({
      scenario,
      controller: { outcome: 'rolled-back', reason: 'error rate', measurements: [] },
      events: [...events('decision', 6000), { at: 6100, type: 'all-traffic-on-stable', message: '' }],
      records: traffic(0).filter((r) => r.version === 'v1' || r.intendedAt < 6100),
      lost: [],
      faults: [fault({ injectedAt: 9000 })],
    });
    expect(j.classification).toBe('false-rollback');
    expect(j.faults[0]).toMatchObject({ notReached: true, detail: 'not reached (release decided at 6.0s)' });
    expect(j.passed).toBe(true);
    expect(j.reason).not.toMatch(/fault not verified/);
  });
});
