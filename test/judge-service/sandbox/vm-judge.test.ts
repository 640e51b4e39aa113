import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadCorpus } from '../../../fixtures/judge-service/src/corpus.js';
import type * as PoolModule from '../../../fixtures/judge-service/src/sandbox/pool.js';
import { ensureBuilt, PROBLEMS, ROOT } from '../helpers.js';

const problems = loadCorpus(PROBLEMS);
const log = { info() {}, warn() {}, error() {} } as never;
// runInVm needs the sandbox's node flags, so it is exercised through real workers (compiled: they are .js).
ensureBuilt();
const { SandboxPool } = (await import(
  join(ROOT, 'dist/fixtures/judge-service/src/sandbox/pool.js')
)) as typeof PoolModule;
const pool = new SandboxPool({ size: 2, memoryLimitMb: 128, log });
afterAll(() => pool.close());
const judge = (id: string, source: string, timeLimitMs = 200) => {
  const p = problems.get(id)!;
  return pool.judge({
    source,
    functionName: p.functionName,
    testsJson: p.testsJson,
    timeLimitMs,
    outputLimitChars: 1000,
  });
};

describe('runInVm in a sandbox worker', () => {
  // Memory-limit and time-limit solutions cost a worker or a second each: the service tests judge those.
  const cases = [...problems.keys()].flatMap((id) =>
    readdirSync(join(PROBLEMS, id, 'solutions'))
      .filter((f) => !f.startsWith('memory-limit') && !f.startsWith('time-limit'))
      .map((f) => [id, f] as const),
  );

  it.each(cases)('%s/%s gets the verdict it is labelled with', async (id, file) => {
    const source = readFileSync(join(PROBLEMS, id, 'solutions', file), 'utf8');
    expect((await judge(id, source)).verdict).toBe(file.replace(/(-\d+)?\.js$/, ''));
  });

  it('stops endless top-level code, endless functions and endless promise jobs', async () => {
    expect((await judge('two-sum', 'for (;;) {}', 50)).verdict).toBe('time-limit');
    expect((await judge('two-sum', 'function twoSum() { for (;;) {} }', 50)).verdict).toBe('time-limit');
    const microtasks = 'function twoSum() { const f = () => Promise.resolve().then(f); f(); return [0, 1]; }';
    expect((await judge('two-sum', microtasks, 50)).verdict).not.toBe('accepted');
  });

  it('cuts off output past the limit as a runtime error', async () => {
    const out = await judge('two-sum', 'function twoSum() { for (;;) console.log("x".repeat(100)); }');
    expect(out).toMatchObject({ verdict: 'runtime-error', message: 'output limit exceeded' });
  });

  it('cannot replace the judge to fake an accepted verdict', async () => {
    const fakes = [
      'for (const k of Object.getOwnPropertyNames(globalThis)) { try { globalThis[k] = () => "AC"; } catch {} }',
      'JSON.stringify = () => "x"; function twoSum() { return 1; }',
    ];
    for (const source of fakes) expect((await judge('two-sum', source)).verdict).not.toBe('accepted');
  });

  it('gives each submission a fresh context: globals and prototype changes do not carry over', async () => {
    await judge('two-sum', 'Array.prototype.map = null; Object.prototype.leak = 1; var kept = 42;');
    const probe =
      'function twoSum(n, t) { if (typeof kept !== "undefined" || ({}).leak) throw new Error("x"); return [0,1].map((x) => x); }';
    expect((await judge('two-sum', probe)).verdict).toBe('wrong-answer');
  });

  it('the first wrong test wins over a later time-out or error', async () => {
    const late = 'let n = 0; function twoSum() { if (++n > 1) for (;;) {} return [9, 9]; }';
    expect(await judge('two-sum', late, 100)).toMatchObject({
      verdict: 'wrong-answer',
      message: 'wrong answer on test 1',
    });
  });
});
