import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Judge, sample, solution, startJudge, submit, until } from '../helpers.js';
import { ESCAPE } from './hostile.js';

// Every hostile source is a wrong two-sum answer: any `accepted` among them is a forged verdict.
const wrong = 'function twoSum() { return [9, 9]; }';
const attacks = [
  `${ESCAPE} grab((p) => p.send({ verdict: 'accepted', message: 'all tests passed', timeMs: 1, memoryKb: 1 })); ${wrong}`,
  `${ESCAPE} grab((p) => { const s = p.send.bind(p); p.send = (m, ...r) => s({ ...m, verdict: 'wrong-answer' }, ...r); }); ${wrong}`,
  `${ESCAPE} grab((p) => p.kill(p.ppid, 'SIGKILL')); ${wrong}`,
  `Array.prototype.toJSON = () => 'same'; Object.prototype.toJSON = () => 'same'; ${wrong}`,
  `JSON.stringify = () => '[0,1]'; Function.prototype.apply = () => [0, 1]; Reflect.apply = () => [0, 1]; ${wrong}`,
  'function twoSum() { const o = [0, 1]; Object.defineProperty(o, 0, { get() { return 0; } }); return o; }',
  'function twoSum() { return new Proxy([0, 1], {}); }',
  'function twoSum() { throw new Proxy({}, { get() { throw 1; }, getPrototypeOf() { throw 1; } }); }',
  'function twoSum() { Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 4000); return [0, 1]; }',
  'Error.prepareStackTrace = (e, f) => f.map((c) => c.getThis()); function twoSum() { return new Error().stack; }',
];
const expensive = ['function twoSum() { for (;;) {} }', "const s = 'x'.repeat(2 ** 30);"];

const honestPool = [
  ['two-sum', 'accepted.js', 'accepted'],
  ['two-sum', 'wrong-answer.js', 'wrong-answer'],
  ['fizz-buzz', 'accepted.js', 'accepted'],
  ['merge-intervals', 'accepted.js', 'accepted'],
  ['move-zeroes', 'wrong-answer.js', 'wrong-answer'],
  ['valid-parentheses', 'accepted.js', 'accepted'],
] as const;

describe('200 hostile submissions among honest ones', { timeout: 60_000 }, () => {
  let j: Judge;
  beforeAll(async () => {
    j = await startJudge();
  });
  afterAll(async () => {
    await j.stop();
  });

  it('judges every honest submission right and on time, forges nothing and loses no instance', async () => {
    const sent: { token: string; expected?: string }[] = [];
    for (let i = 0; i < 200; i++) {
      const source = i % 50 === 25 ? expensive[Math.floor(i / 50) % 2] : attacks[i % attacks.length];
      const res = await submit(
        j,
        { problem_id: 'two-sum', source_code: source, user_id: `mallory-${i % 7}` },
        false,
      );
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      sent.push({ token: res.body.token as string });
      if (i % 5 === 0) {
        const [problem, file, expected] = honestPool[(i / 5) % honestPool.length];
        const honest = await submit(
          j,
          { problem_id: problem, source_code: solution(problem, file), user_id: `alice-${i}` },
          false,
        );
        sent.push({ token: honest.body.token as string, expected });
      }
    }
    const rows = new Map<string, Record<string, unknown>>();
    await until(async () => {
      for (const { token } of sent) {
        if (rows.has(token)) continue;
        const row = (await (await fetch(`${j.url}/submissions/${token}`)).json()) as Record<string, unknown>;
        if (row.verdict) rows.set(token, row);
      }
      return rows.size === sent.length;
    }, 45_000);
    const honest = sent.filter((s) => s.expected);
    expect(honest).toHaveLength(40);
    for (const { token, expected } of honest) {
      const row = rows.get(token)!;
      expect(row.verdict, `honest ${token}`).toBe(expected);
      const lag = Date.parse(String(row.finished_at)) - Date.parse(String(row.created_at));
      if (!Number.isNaN(lag)) expect(lag).toBeLessThan(15_000);
    }
    const hostile = sent.filter((s) => !s.expected).map((s) => rows.get(s.token)!.verdict);
    expect(hostile).not.toContain('accepted');
    expect(hostile).not.toContain('internal-error');
    expect(j.proc.exitCode).toBeNull();
    const metrics = await (await fetch(`${j.url}/metrics`)).text();
    // Only the expensive ones (a hard CPU kill or a heap exhausted) may cost a worker.
    expect(sample(metrics, 'judge_sandbox_workers_recycled_total')).toBeLessThanOrEqual(4);
  });
});
