import { describe, expect, it } from 'vitest';
import type { RequestRecord } from '../../sim/traffic/record.js';
import { blastRadius } from '../../sim/verdict/blast-radius.js';
import { countsFromRecords } from '../../sim/verdict/counts.js';

let seq = 0;
const rec = (at: number, version: string | undefined, more: Partial<RequestRecord> = {}): RequestRecord => ({
  seq: seq++,
  kind: 'submit',
  userId: 'u',
  segment: 'public',
  intendedAt: at,
  sentAt: at,
  latencyMs: 5,
  status: 201,
  ...(version ? { version } : {}),
  ...more,
});
const slowMs = 1000;

describe('countsFromRecords', () => {
  it('counts requests, failures and slow answers per version at each intended send time', () => {
    const counts = countsFromRecords(
      [
        rec(100, 'v1'),
        rec(100, 'v1', { status: 502 }),
        rec(100, 'v1', { latencyMs: 1500 }),
        // Failed and slow is failed only, as in the blast radius.
        rec(100, 'v1', { status: 0, latencyMs: 5000 }),
        rec(100, 'v2', { latencyMs: 1000 }),
        rec(250, 'v2'),
      ],
      slowMs,
    );
    expect(counts).toEqual([
      { at: 100, version: 'v1', requests: 4, failed: 2, slow: 1, wrongVerdicts: 0 },
      { at: 100, version: 'v2', requests: 1, failed: 0, slow: 0, wrongVerdicts: 0 },
      { at: 250, version: 'v2', requests: 1, failed: 0, slow: 0, wrongVerdicts: 0 },
    ]);
  });

  it('merges neighbours only, so the counts keep the order of the records', () => {
    const counts = countsFromRecords(
      [rec(300, 'v1'), rec(100, 'v1'), rec(300, 'v1'), rec(300, 'v1')],
      slowMs,
    );
    expect(counts.map((c) => [c.at, c.requests])).toEqual([
      [300, 1],
      [100, 1],
      [300, 2],
    ]);
  });

  it('charges a wrong verdict to the version that judged it, at the same instant', () => {
    const wrong = { expected: 'accepted', verdict: 'wrong-answer' } as const;
    const counts = countsFromRecords(
      [
        rec(100, 'v1', { ...wrong, judgedBy: 'v2' }),
        rec(200, 'v2', wrong),
        rec(300, 'v1', { ...wrong, kind: 'poll' }),
      ],
      slowMs,
    );
    expect(counts).toEqual([
      { at: 100, version: 'v1', requests: 1, failed: 0, slow: 0, wrongVerdicts: 0 },
      { at: 100, version: 'v2', requests: 0, failed: 0, slow: 0, wrongVerdicts: 1 },
      { at: 200, version: 'v2', requests: 1, failed: 0, slow: 0, wrongVerdicts: 1 },
      // Only a judged submission can have a wrong verdict.
      { at: 300, version: 'v1', requests: 1, failed: 0, slow: 0, wrongVerdicts: 0 },
    ]);
  });

  it('keeps a request that named no version apart from every version, as "unknown" in the blast radius', () => {
    const counts = countsFromRecords([rec(100, undefined, { status: 0 }), rec(100, 'unknown')], slowMs);
    expect(counts).toEqual([
      { at: 100, requests: 1, failed: 1, slow: 0, wrongVerdicts: 0 },
      { at: 100, version: 'unknown', requests: 1, failed: 0, slow: 0, wrongVerdicts: 0 },
    ]);
    expect(blastRadius(counts, {}).byVersion).toEqual({
      unknown: { requests: 2, failed: 1, slow: 0, wrongVerdicts: 0 },
    });
  });

  it('keeps the fault markers of failed requests, each once, in order of first appearance', () => {
    const counts = countsFromRecords(
      [
        rec(100, 'v1', { status: 500, fault: 'http-errors' }),
        rec(100, 'v1', { status: 200, fault: 'latency' }),
        rec(100, 'v1', { status: 500, fault: 'capacity-loss, http-errors' }),
        rec(200, 'v1', { status: 500 }),
      ],
      slowMs,
    );
    expect(counts.map((c) => c.faultMarkers)).toEqual([['http-errors', 'capacity-loss'], undefined]);
  });
});

describe('wrong verdicts by problem', () => {
  it('are counted per judging version and problem, into the blast radius', () => {
    const wrong = (at: number, problemId: string, judgedBy: string) =>
      rec(at, 'v1', { problemId, expected: 'accepted', verdict: 'wrong-answer', judgedBy });
    const counts = countsFromRecords(
      [
        wrong(100, 'two-sum', 'v2'),
        wrong(100, 'two-sum', 'v2'),
        wrong(200, 'fizz-buzz', 'v1'),
        rec(200, 'v2', { problemId: 'two-sum', expected: 'accepted', verdict: 'accepted' }),
      ],
      slowMs,
    );
    const radius = blastRadius(counts, {});
    expect(radius.wrongVerdictsByProblem).toEqual({ v2: { 'two-sum': 2 }, v1: { 'fizz-buzz': 1 } });
    expect(blastRadius(countsFromRecords([rec(100, 'v1')], slowMs), {})).not.toHaveProperty(
      'wrongVerdictsByProblem',
    );
  });
});
