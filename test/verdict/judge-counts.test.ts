import { describe, expect, it } from 'vitest';
import { parseScenario } from '../../sim/scenario/load.js';
import { isFailed, isWrongVerdict, type RequestRecord } from '../../sim/traffic/record.js';
import { Random } from '../../sim/util/random.js';
import type { TrafficCount } from '../../sim/verdict/blast-radius.js';
import { judge } from '../../sim/verdict/judge.js';
import type { FaultOutcome } from '../../sim/vocabulary/rehearsal-verdict.js';
import type { TimelineEvent } from '../../sim/vocabulary/timeline.js';
import { scenarioYaml } from '../helpers/scenario-text.js';

const scenario = parseScenario(
  scenarioYaml({ expect: 'expect:\n  outcome: rolled-back\n  detectWithin: 5s\n  maxFailedRequests: 40' }),
  'x.yaml',
).scenario!;
const events: TimelineEvent[] = [
  { at: 1000, type: 'deploy', message: '' },
  { at: 4000, type: 'first-failure', message: '' },
  { at: 6000, type: 'decision', message: '' },
  { at: 6000, type: 'all-traffic-on-stable', message: '' },
];
const fault: FaultOutcome = {
  type: 'http-errors',
  target: 'v2',
  description: '',
  injectedAt: 1000,
  applied: true,
  appliedDetail: '',
  observedResponses: 1,
  verified: true,
  detail: '',
};
const controller = { outcome: 'rolled-back' as const, reason: 'error rate', measurements: [] };

/** Random records in 1-second steps (phase marks fall on step starts, as the simulator guarantees) and their per-step counts. */
function traffic(): { records: RequestRecord[]; counts: TrafficCount[] } {
  const rng = new Random(4);
  const records: RequestRecord[] = [];
  for (let seq = 0; seq < 600; seq++) {
    const at = Math.floor(rng.next() * 10_000);
    const version = at >= 1000 && at < 6000 && rng.next() < 0.3 ? 'v2' : 'v1';
    const status = rng.next() < (version === 'v2' ? 0.1 : 0.01) ? 500 : 200;
    const latencyMs = rng.next() < 0.05 ? 2000 : 30;
    records.push({
      seq,
      kind: 'submit',
      userId: 'u',
      segment: 'regular',
      intendedAt: at,
      sentAt: at,
      latencyMs,
      status,
      version,
      expected: 'accepted',
      verdict: status === 200 ? (rng.next() < 0.02 ? 'wrong-answer' : 'accepted') : null,
    });
  }
  const byStep = new Map<string, TrafficCount>();
  for (const r of records) {
    const at = Math.floor(r.intendedAt / 1000) * 1000;
    const key = `${at}|${r.version}`;
    const c = byStep.get(key) ?? {
      at,
      version: r.version!,
      requests: 0,
      failed: 0,
      slow: 0,
      wrongVerdicts: 0,
    };
    c.requests++;
    if (isFailed(r)) c.failed++;
    else if (r.latencyMs > scenario.traffic.slowMs) c.slow++;
    if (isWrongVerdict(r)) c.wrongVerdicts++;
    byStep.set(key, c);
  }
  return { records, counts: [...byStep.values()] };
}

describe('judge from counts per step (the ground truth of a simulation)', () => {
  it('gives the same judgement from counts per step as judge does from the records they summarise', () => {
    const { records, counts } = traffic();
    const fromRecords = judge({ scenario, controller, events, records, lost: [], faults: [fault] });
    const fromCounts = judge({ scenario, controller, events, counts, lost: [], faults: [fault] });
    const { lastCandidateRequestMs: exact, rollback: r1, reason: _a, harm: h1, ...rest } = fromRecords;
    const {
      lastCandidateRequestMs: stepStart,
      rollback: r2,
      reason: _b,
      harm: h2,
      ...restCounts
    } = fromCounts;
    expect(restCounts).toEqual(rest);
    // The same harm, the same tests; its first harmful response is dated by its step's start.
    const undated = (h: typeof h1) => ({
      ...h,
      firstHarmAt: undefined,
      tests: h.tests.map((t) => ({ ...t, firstHarmAt: undefined })),
    });
    expect(undated(h2)).toEqual(undated(h1));
    expect(h2.firstHarmAt).toBe(Math.floor(h1.firstHarmAt! / 1000) * 1000);
    // The rollback's aftermath starts 1.5 s after all traffic is on stable: counts see it from the next whole step.
    expect(r2?.restored).toBe(r1?.restored);
    // Counts know the step, not the request: the last candidate request is dated by its step's start.
    expect(stepStart).toBe(Math.floor(exact! / 1000) * 1000);
    expect(fromCounts.failedRequests).toBeGreaterThan(0);
    expect(fromCounts.blastRadius.byPhase['before-decision']?.v2?.requests).toBeGreaterThan(0);
  });
});
