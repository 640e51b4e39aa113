import { describe, expect, it } from 'vitest';
import { parseScenario } from '../../sim/scenario/load.js';
import type { RequestRecord } from '../../sim/traffic/record.js';
import { rollbackEffect } from '../../sim/verdict/aftermath.js';
import { countsFromRecords } from '../../sim/verdict/counts.js';
import { judge } from '../../sim/verdict/judge.js';
import type { FaultOutcome } from '../../sim/vocabulary/rehearsal-verdict.js';

const scenario = (expect: string) =>
  parseScenario(
    `name: x
traffic: { profile: { type: constant, rate: 10 }, duration: 20s }
strategy: { type: canary, steps: [{ setWeight: 50 }, { analyze: 4s }] }
expect: ${expect}
`,
    'x.yaml',
  ).scenario!;

let seq = 0;
const rec = (at: number, version: string, status: number, fault?: string): RequestRecord => ({
  seq: seq++,
  kind: 'submit',
  userId: 'u',
  segment: 'public',
  intendedAt: at,
  sentAt: at,
  latencyMs: 5,
  status,
  version,
  ...(fault ? { fault } : {}),
});
const events = (marks: Record<string, number>) =>
  Object.entries(marks).map(([type, at]) => ({ type, at, message: type })) as never;
const fault = (verified: boolean): FaultOutcome => ({
  type: 'latency',
  target: 'v2',
  description: 'v2 adds 300 ms',
  injectedAt: 1000,
  applied: verified,
  appliedDetail: verified ? 'read back' : 'v2-0 reports extraLatencyMs=undefined',
  verified,
  detail: verified ? 'ok' : 'v2-0 reports extraLatencyMs=undefined',
});

describe('judging faults', () => {
  it('a fault whose effect was not verified makes the scenario inconclusive, with the reason, never a pass', () => {
    const j = judge({
      scenario: scenario('{ outcome: rolled-back }'),
      controller: { outcome: 'rolled-back', reason: 'error rate', measurements: [] },
      events: events({ deploy: 500, decision: 3000, 'all-traffic-on-stable': 3100 }),
      records: [rec(100, 'v1', 201), rec(4000, 'v1', 201)],
      lost: [],
      faults: [fault(false)],
    });
    expect(j.classification).toBe('inconclusive');
    expect(j.passed).toBe(false);
    expect(j.reason).toMatch(/fault not verified: latency \(v2-0 reports extraLatencyMs=undefined\)/);
  });

  it('says when a rollback did not restore service, and checks rollbackRestoresService', () => {
    const records = [
      ...Array.from({ length: 20 }, (_, i) => rec(i * 10, 'v1', 201)),
      ...Array.from({ length: 20 }, (_, i) => rec(6000 + i * 10, 'v1', 500, 'schema-incompatible')),
    ];
    const j = judge({
      scenario: scenario('{ outcome: rolled-back, rollbackRestoresService: false }'),
      controller: { outcome: 'rolled-back', reason: 'error rate', measurements: [] },
      events: events({ deploy: 1000, decision: 3000, 'all-traffic-on-stable': 3100 }),
      records,
      lost: [],
      faults: [fault(true)],
    });
    expect(j.passed).toBe(true);
    expect(j.classification).toBe('caught');
    expect(j.reason).toMatch(
      /rollback did not restore service: 100\.0% of 20 requests still failed .*v1.*schema-incompatible/,
    );
    expect(j.expectations.find((e) => e.name === 'rollbackRestoresService')).toMatchObject({
      passed: true,
      actual: 'false',
    });
  });

  it('does not blame the candidate for failures on stable when the candidate is promoted', () => {
    const j = judge({
      scenario: scenario('{ outcome: promoted, maxFailedRequests: 0 }'),
      controller: { outcome: 'promoted', reason: 'all steps passed', measurements: [] },
      events: events({ deploy: 1000, promoted: 9000 }),
      records: [
        rec(2000, 'v1', 502),
        rec(2100, 'v1', 502),
        ...Array.from({ length: 30 }, (_, i) => rec(2200 + i * 100, 'v2', 201)),
        ...Array.from({ length: 30 }, (_, i) => rec(2250 + i * 100, 'v1', 201)),
      ],
      lost: [],
      faults: [{ ...fault(true), type: 'capacity-loss', target: 'v1' }],
    });
    expect(j.classification).toBe('promoted');
    expect(j.passed).toBe(true);
    expect(j.failedRequests).toBe(0);
    expect(j.stableFailures).toBe(2);
    expect(j.reason).toMatch(/2 request\(s\) failed on v1, the stable version: not counted against v2/);
  });

  it('a rollback that restores service is reported as such', () => {
    const e = rollbackEffect(
      countsFromRecords([rec(100, 'v1', 201), rec(5000, 'v1', 201), rec(5100, 'v1', 201)], 1000),
      'v1',
      3000,
      1000,
    );
    expect(e).toMatchObject({ restored: true, failureRate: 0 });
  });
});
