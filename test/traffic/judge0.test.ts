import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RealClock } from '../../sim/clock/real-clock.js';
import { type CorpusSolution, loadCorpus } from '../../sim/traffic/corpus.js';
import { TrafficGenerator } from '../../sim/traffic/generator.js';
import {
  judge0Body,
  judge0SubmitPath,
  readJudge0Answer,
  toJudge0Program,
  verdictOfStatus,
} from '../../sim/traffic/judge0.js';
import { reconcile } from '../../sim/traffic/reconcile.js';
import { isWrongVerdict } from '../../sim/traffic/record.js';
import type { PlannedRequest } from '../../sim/traffic/schedule.js';
import { paths } from '../../sim/util/paths.js';
import { judge0Unexpressible } from '../../sim/vocabulary/traffic-apis.js';
import { type Judge, setToggles, startJudge } from '../judge-service/helpers.js';

const corpus = loadCorpus(paths.problems);
const all = [...corpus.byVerdict.values()].flat();
const user = { id: 'u-1', name: 'T', segment: 'regular' as const };

let judge: Judge;
beforeAll(async () => {
  judge = await startJudge({ args: ['--workers', '3'] });
}, 60_000);
afterAll(async () => {
  await judge?.stop();
});

/** Sends one program the Judge0 way (`wait=true`, base64) and answers the Judge0 status id. */
async function statusOf(solution: CorpusSolution): Promise<{ id: number; answer: Record<string, unknown> }> {
  const program = solution.program ?? toJudge0Program(solution.source, problemOf(solution));
  const res = await fetch(`${judge.url}${judge0SubmitPath(true)}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: judge0Body(program),
  });
  const text = await res.text();
  expect(res.status, text).toBe(201);
  const { statusId } = readJudge0Answer(text);
  return { id: statusId!, answer: JSON.parse(text) as Record<string, unknown> };
}

function problemOf(s: CorpusSolution) {
  const p = corpus.problemDefs.get(s.problemId);
  if (!p) throw new Error(`no problem.json for ${s.problemId}`);
  return p;
}

async function inBatches<T, R>(items: T[], size: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += size)
    out.push(...(await Promise.all(items.slice(i, i + size).map(fn))));
  return out;
}

describe('corpus solutions as Judge0 programs, judged by the sample judge over HTTP', () => {
  it('every expressible labelled solution, run as a stdin/stdout program, gets its label from the status id', async () => {
    const expressible = all.filter((s) => !judge0Unexpressible[s.expected]);
    expect(expressible.every((s) => s.program !== undefined)).toBe(true);
    // Every label but memory-limit, from every problem.
    expect(new Set(expressible.map((s) => s.expected))).toEqual(
      new Set(['accepted', 'wrong-answer', 'time-limit', 'runtime-error', 'compilation-error']),
    );
    expect(new Set(expressible.map((s) => s.problemId)).size).toBe(corpus.problems.length);
    const got = await inBatches(expressible, 6, async (s) => {
      const { id, answer } = await statusOf(s);
      return { name: `${s.problemId}/${s.name}`, expected: s.expected, got: verdictOfStatus(id), id, answer };
    });
    const wrong = got.filter((g) => g.got !== g.expected);
    expect(
      wrong.map((w) => `${w.name}: expected ${w.expected}, status ${w.id} ${JSON.stringify(w.answer)}`),
    ).toEqual([]);
  }, 240_000);

  it('a memory-limit solution as a program is a runtime error to Judge0 (why judge0 traffic leaves it out)', async () => {
    const memory = corpus.byVerdict.get('memory-limit') ?? [];
    expect(memory.length).toBeGreaterThan(0);
    expect(memory.every((s) => s.program === undefined)).toBe(true);
    const { id } = await statusOf(memory[0]!);
    expect(id).toBeGreaterThanOrEqual(7);
    expect(id).toBeLessThanOrEqual(12);
    expect(verdictOfStatus(id)).toBe('runtime-error');
  }, 60_000);
});

describe('TrafficGenerator speaking Judge0', () => {
  const pick = (verdict: string, n: number) =>
    (corpus.byVerdict.get(verdict as CorpusSolution['expected']) ?? []).slice(0, n);
  const solutions = [
    ...pick('accepted', 4),
    ...pick('wrong-answer', 2),
    ...pick('runtime-error', 1),
    ...pick('compilation-error', 1),
  ];
  const plan = (list: CorpusSolution[]): PlannedRequest[] => [
    ...list.map((solution, seq) => ({
      seq,
      at: 20 + seq * 30,
      kind: 'submit' as const,
      user,
      pick: 0,
      solution,
    })),
    { seq: list.length, at: 20 + list.length * 30 + 300, kind: 'poll' as const, user, pick: 0.5 },
  ];

  function generator(list: CorpusSolution[], wait: boolean): TrafficGenerator {
    const clock = new RealClock();
    return new TrafficGenerator(plan(list), {
      target: judge.url,
      clock,
      timeoutMs: 15_000,
      seed: 7,
      durationMs: 2000,
      t0: clock.now(),
      api: 'judge0',
      judge0: { wait, pollIntervalMs: 50 },
    });
  }

  for (const wait of [false, true]) {
    it(`${wait ? 'wait=true' : 'polled by token'}: every submission's verdict is read from its Judge0 status`, async () => {
      const g = generator(solutions, wait);
      const stats = await g.run(new AbortController().signal);
      expect(stats.sent).toBe(solutions.length + 1);
      const submits = g.records.filter((r) => r.kind === 'submit');
      expect(submits).toHaveLength(solutions.length);
      for (const r of submits) {
        expect(r.status, r.error).toBe(201);
        expect(r.token).toMatch(/\S/);
        expect(r.verdict).toBe(r.expected);
        expect(r.judgedBy).toBe('v1');
        expect(isWrongVerdict(r)).toBe(false);
      }
      // The poll asked about an earlier token, the Judge0 way.
      const poll = g.records.find((r) => r.kind === 'poll');
      expect(poll).toMatchObject({ status: 200 });
      expect(submits.map((r) => r.token)).toContain(poll!.token);
    }, 60_000);
  }

  it('flipped verdicts (wrongVerdictRate) are counted as wrong from the Judge0 answers', async () => {
    expect((await setToggles(judge, { wrongVerdictRate: 1 })).status).toBe(200);
    try {
      const list = [...pick('accepted', 3), ...pick('wrong-answer', 3)];
      const g = generator(list, false);
      await g.run(new AbortController().signal);
      const submits = g.records.filter((r) => r.kind === 'submit');
      expect(submits.map((r) => r.verdict)).toEqual(
        list.map((s) => (s.expected === 'accepted' ? 'wrong-answer' : 'accepted')),
      );
      expect(submits.every(isWrongVerdict)).toBe(true);
      expect(submits.every((r) => r.fault === 'wrong-verdict')).toBe(true);
    } finally {
      await setToggles(judge, { wrongVerdictRate: null });
    }
  }, 60_000);

  it('reconciliation resolves Judge0 tokens left without a verdict, and names unknown ones lost', async () => {
    const g = generator(pick('accepted', 2), false);
    await g.run(new AbortController().signal);
    const records = g.records.filter((r) => r.kind === 'submit');
    for (const r of records) r.verdict = null;
    records.push({ ...records[0]!, seq: 99, token: 'no-such-token' });
    const result = await reconcile(records, judge.url, new RealClock(), 5000, 'judge0');
    expect(result).toMatchObject({ acknowledged: 3, lost: ['no-such-token'], lateVerdicts: 2 });
    expect(records.slice(0, 2).map((r) => r.verdict)).toEqual(['accepted', 'accepted']);
  }, 60_000);
});
