import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCorpus } from '../../../fixtures/judge-service/src/corpus.js';
import { WALL_SLACK } from '../../../fixtures/judge-service/src/sandbox/protocol.js';
import { judgeInVm } from '../../../fixtures/judge-service/src/sandbox/vm-judge.js';
import { PROBLEMS } from '../helpers.js';

const problems = loadCorpus(PROBLEMS);
const job = (id: string, source: string, timeLimitMs = 200) => {
  const p = problems.get(id)!;
  return {
    id: 1,
    source,
    functionName: p.functionName,
    testsJson: p.testsJson,
    timeLimitMs,
    outputLimitChars: 1000,
  };
};

describe('judgeInVm', () => {
  // Memory-limit solutions kill the process that runs them, so they are judged through the service instead.
  const cases = [...problems.keys()].flatMap((id) =>
    readdirSync(join(PROBLEMS, id, 'solutions'))
      .filter((f) => !f.startsWith('memory-limit') && !f.startsWith('time-limit'))
      .map((f) => [id, f] as const),
  );

  it.each(cases)('%s/%s gets the verdict it is labelled with', (id, file) => {
    const source = readFileSync(join(PROBLEMS, id, 'solutions', file), 'utf8');
    expect(judgeInVm(job(id, source)).verdict).toBe(file.replace(/(-\d+)?\.js$/, ''));
  });

  it('stops an endless loop at its wall-clock backstop when no pool watches the CPU time', () => {
    const out = judgeInVm(job('two-sum', 'function twoSum() { for (;;) {} }', 50));
    expect(out.verdict).toBe('time-limit');
    expect(out.timeMs).toBeLessThan(50 * WALL_SLACK + 300);
  });

  it('stops endless top-level code and endless promise jobs', () => {
    expect(judgeInVm(job('two-sum', 'for (;;) {}', 50)).verdict).toBe('time-limit');
    const microtasks = 'function twoSum() { const f = () => Promise.resolve().then(f); f(); return [0, 1]; }';
    expect(judgeInVm(job('two-sum', microtasks, 50)).verdict).not.toBe('accepted');
  });

  it('cuts off output past the limit as a runtime error', () => {
    const out = judgeInVm(job('two-sum', 'function twoSum() { for (;;) console.log("x".repeat(100)); }'));
    expect(out).toMatchObject({ verdict: 'runtime-error', message: 'output limit exceeded' });
  });

  it('cannot replace the judge to fake an accepted verdict', () => {
    const fakes = [
      'for (const k of Object.getOwnPropertyNames(globalThis)) { try { globalThis[k] = () => "AC"; } catch {} }',
      'JSON.stringify = () => "x"; function twoSum() { return 1; }',
    ];
    for (const source of fakes) expect(judgeInVm(job('two-sum', source)).verdict).not.toBe('accepted');
  });

  it('gives each submission a fresh context: globals and prototype changes do not carry over', () => {
    judgeInVm(job('two-sum', 'Array.prototype.map = null; Object.prototype.leak = 1; var kept = 42;'));
    const probe =
      'function twoSum(n, t) { if (typeof kept !== "undefined" || ({}).leak) throw new Error("x"); return [0,1].map((x) => x); }';
    expect(judgeInVm(job('two-sum', probe)).verdict).toBe('wrong-answer');
  });
});
