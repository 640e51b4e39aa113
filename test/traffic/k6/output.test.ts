import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseK6Output } from '../../../sim/traffic/k6/output.js';
import { isFailed, isWrongVerdict } from '../../../sim/traffic/record.js';

// A hand-made sample of `k6 run --out json=…` for the generated script: Metric and Point lines of k6's
// own metrics and ours, per-request values in `metadata`, out of order, and a last line cut short.
const sample = readFileSync(join(import.meta.dirname, 'fixtures/k6-output.ndjson'), 'utf8');
const t0 = 1_795_806_000_000;

describe('parseK6Output', () => {
  const out = parseK6Output(sample, t0);

  it('makes one record per request of the script, ordered by seq', () => {
    expect(out.records.map((r) => r.seq)).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('turns an acknowledged submission into the record the built-in driver makes', () => {
    expect(out.records[0]).toEqual({
      seq: 0,
      kind: 'submit',
      userId: 'u-17',
      segment: 'regular',
      intendedAt: 10,
      sentAt: 21,
      latencyMs: 141.5,
      status: 200,
      servedBy: 'v1/v1-1',
      version: 'v1',
      problemId: 'two-sum',
      expected: 'accepted',
      verdict: 'accepted',
      token: 'tok-a',
    });
  });

  it('keeps polls, faults, failures and verdicts as the verdict code reads them', () => {
    const [, poll, faulted, timeout, noVerdict, wrong] = out.records;
    expect(poll).toMatchObject({
      kind: 'poll',
      token: 'tok-a',
      version: 'v2',
      status: 200,
      intendedAt: 220,
      sentAt: 229,
    });
    expect(faulted).toMatchObject({ status: 500, fault: 'http-errors', version: 'v2', expected: 'accepted' });
    expect(faulted!.verdict).toBeUndefined();
    expect(isFailed(faulted!)).toBe(true);
    expect(timeout).toMatchObject({
      kind: 'leaderboard',
      status: 0,
      error: 'request timeout',
      latencyMs: 10010,
    });
    expect(timeout!.version).toBeUndefined();
    expect(isFailed(timeout!)).toBe(true);
    expect(noVerdict!.verdict).toBeNull();
    expect(isWrongVerdict(wrong!)).toBe(true);
  });

  it('counts dropped iterations as schedule distortion, and iterations', () => {
    expect(out.droppedIterations).toBe(3);
    expect(out.iterations).toBe(3);
  });

  it('tolerates the partial last line a stopped run leaves', () => {
    expect(out.malformedLines).toBe(1);
  });

  it('ignores points that are not from the generated script', () => {
    const foreign = JSON.stringify({
      type: 'Point',
      metric: 'rehearsal_latency',
      data: { time: 'x', value: 1, tags: { kind: 'other' }, metadata: { seq: '9', user: 'u' } },
    });
    expect(parseK6Output(`${foreign}\n`, t0).records).toEqual([]);
    expect(parseK6Output('', t0)).toEqual({
      records: [],
      droppedIterations: 0,
      iterations: 0,
      malformedLines: 0,
    });
  });
});
