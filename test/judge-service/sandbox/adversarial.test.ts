import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { sample, solution, submit } from '../helpers.js';
import { ESCAPE, honestStillServed, hostileService, workerPids } from './hostile.js';

function service() {
  const ctx = hostileService();
  const hostile = (source: string, problem = 'two-sum') =>
    submit(ctx.j, { problem_id: problem, source_code: source, user_id: 'mallory' });
  return { ctx, hostile };
}

describe('adversarial submissions', { timeout: 30_000 }, () => {
  describe('host-realm objects', () => {
    const { ctx, hostile } = service();
    it('cannot forge an accepted verdict through the import() error', async () => {
      const res = await hostile(
        `${ESCAPE} grab((p) => p.send({ verdict: 'accepted', message: 'all tests passed', timeMs: 1, memoryKb: 1 }));
        function twoSum() { return [9, 9]; }`,
      );
      expect(res.body.verdict).toBe('wrong-answer');
      await honestStillServed(ctx.j);
    });

    it('cannot shift verdicts onto the next users', async () => {
      const forged = "{ verdict: 'wrong-answer', message: 'wrong answer on test 1', timeMs: 1, memoryKb: 1 }";
      const attack = hostile(`${ESCAPE} grab((p) => { for (let i = 0; i < 6; i++) p.send(${forged}); });
        function twoSum() { return [9, 9]; }`);
      const honest = Array.from({ length: 5 }, (_, i) =>
        submit(ctx.j, {
          problem_id: 'two-sum',
          source_code: solution('two-sum', 'accepted.js'),
          user_id: `u${i}`,
        }),
      );
      expect((await attack).body.verdict).toBe('wrong-answer');
      expect((await Promise.all(honest)).map((r) => r.body.verdict)).toEqual(Array(5).fill('accepted'));
    });

    it('cannot wrap process.send to corrupt later verdicts', async () => {
      await hostile(`${ESCAPE} grab((p) => { const send = p.send.bind(p);
        p.send = (m, ...rest) => send({ ...m, verdict: 'wrong-answer' }, ...rest); });
        function twoSum() { return [0, 1]; }`);
      await honestStillServed(ctx.j);
    });

    it("cannot read the next user's source code", async () => {
      await hostile(`${ESCAPE} grab((p) => p.on('message', (m) => { p.stolen = m && m.source; }));
        function twoSum() { return [0, 1]; }`);
      await submit(ctx.j, {
        problem_id: 'two-sum',
        source_code: `// VICTIM-MARKER-7731\n${solution('two-sum', 'accepted.js')}`,
        user_id: 'victim',
      });
      const res =
        await hostile(`${ESCAPE} grab((p) => p.send({ verdict: 'runtime-error', message: String(p.stolen), timeMs: 0, memoryKb: 0 }));
        function twoSum() { return [0, 1]; }`);
      expect(JSON.stringify(res.body)).not.toContain('VICTIM-MARKER');
    });

    it('cannot reach the network through getBuiltinModule', async () => {
      const before = ctx.connections;
      await hostile(`${ESCAPE} grab((p) => { const net = p.getBuiltinModule('net');
        net.connect(${ctx.port}, '127.0.0.1').on('error', () => {}); });
        function twoSum() { return [0, 1]; }`);
      await new Promise((r) => setTimeout(r, 300));
      expect(ctx.connections).toBe(before);
    });

    it.each([
      ['an import() promise', "import('node:fs')"],
      ['the import() rejection', "(() => { let r; import('x').catch((e) => { r = e; }); return r; })()"],
      [
        'an error stack frame',
        '(() => { Error.prepareStackTrace = (e, f) => f.map((c) => c.getThis() || c.getFunction()).find((x) => x && x !== globalThis); return new Error().stack; })()',
      ],
      [
        'the call site of a host frame',
        '(() => { Error.prepareStackTrace = (e, f) => f[f.length - 1]; return new Error().stack; })()',
      ],
      ['a stack overflow error', '(() => { const f = () => f(); try { f(); } catch (e) { return e; } })()'],
    ])('finds no host Function behind %s', async (_name, expr) => {
      const res = await hostile(`let found = 'none';
        try { const v = ${expr}; const F = v && v.constructor && v.constructor.constructor;
          if (F) found = typeof F('return typeof process')(); } catch (e) { found = 'refused'; }
        function twoSum() { throw new Error('found ' + found); }`);
      expect(res.body).toMatchObject({
        verdict: 'runtime-error',
        message: expect.stringMatching(/found (none|refused)$/),
      });
      await honestStillServed(ctx.j);
    });

    it('runs no submission code when reading a returned value', async () => {
      const getter = await hostile(`function twoSum() { const o = [0, 0];
        Object.defineProperty(o, 1, { get() { for (;;) {} } }); return o; }`);
      expect(getter.body.verdict).toBe('runtime-error');
      const proxy = await hostile(
        'function twoSum() { return new Proxy([0, 1], { get() { for (;;) {} }, ownKeys() { for (;;) {} } }); }',
      );
      expect(proxy.body.verdict).toBe('runtime-error');
      const primitive = await hostile(
        'Symbol.prototype.toString = () => "[0,1]"; Number.prototype.toJSON = () => 1; function twoSum(n, t) { return [Symbol("x"), 1]; }',
      );
      expect(primitive.body.verdict).toBe('wrong-answer');
      await honestStillServed(ctx.j);
    });
  });

  describe('prototype pollution', () => {
    const { hostile } = service();
    const toJson = "Array.prototype.toJSON = function () { return 'same'; };";
    it.each([
      ['two-sum', `${toJson} function twoSum() { return [42]; }`],
      ['merge-intervals', `${toJson} function merge() { return [[0, 0]]; }`],
      ['fizz-buzz', `${toJson} function fizzBuzz() { return ['nope']; }`],
      ['move-zeroes', `${toJson} function moveZeroes() { return [7]; }`],
    ])('Array.prototype.toJSON does not make a wrong %s answer accepted', async (problem, source) => {
      expect((await hostile(source, problem)).body.verdict).toBe('wrong-answer');
    });

    it('a toJSON hook does not leak the hidden expected outputs', async () => {
      const res = await hostile(`const seen = [];
        Array.prototype.toJSON = function () { seen.push(String(this)); if (seen.length > 2) throw new Error('LEAK ' + seen.join('|')); return 'x'; };
        function twoSum() { return [5, 5]; }`);
      const expected = JSON.parse(
        readFileSync(new URL('../../../fixtures/problems/two-sum/problem.json', import.meta.url), 'utf8'),
      );
      for (const t of expected.tests) expect(String(res.body.message)).not.toContain(String(t.output));
      expect(res.body.verdict).toBe('wrong-answer');
    });

    // Every global the judge could touch: a wrong answer stays wrong, a right one stays right.
    const pollutions = [
      'Array.prototype.toJSON = () => "same";',
      'Object.prototype.toJSON = () => "same";',
      'JSON.stringify = () => "same"; JSON.parse = () => [0, 1];',
      'String.prototype.toString = () => "same"; String.prototype.valueOf = () => "same"; String.prototype.slice = () => "AC";',
      'Function.prototype.call = function () { return [0, 1]; }; Function.prototype.apply = function () { return [0, 1]; };',
      'Reflect.apply = () => [0, 1];',
      'Object.prototype[Symbol.toPrimitive] = () => "same"; Array.prototype[Symbol.toPrimitive] = () => "same";',
      'Array.prototype[Symbol.iterator] = function* () { yield "same"; };',
      'Object.defineProperty(Object.prototype, "0", { set() {}, get() { return 0; } });',
      'Object.keys = () => []; Object.getOwnPropertyNames = () => []; Array.isArray = () => false;',
      'Error.prepareStackTrace = () => "AC"; Error.captureStackTrace = () => {};',
      'globalThis.console = null; globalThis.Error = null; globalThis.Promise = null;',
    ];
    it.each(pollutions)('%s neither accepts a wrong answer nor rejects a right one', async (pollution) => {
      const wrong = await hostile(`${pollution} function twoSum() { return [9, 9]; }`);
      expect(wrong.body.verdict).toBe('wrong-answer');
      const right = await hostile(`${pollution} function twoSum(nums, target) {
        for (let i = 0; i < nums.length; i++) for (let k = i + 1; k < nums.length; k++)
          if (nums[i] + nums[k] === target) return [i, k];
        return [];
      }`);
      expect(right.body.verdict).toBe('accepted');
    });
  });

  describe('resource abuse', () => {
    const { ctx, hostile } = service();
    it('Atomics.wait cannot hold a worker past its wall-time limit', async () => {
      const started = Date.now();
      const res = await hostile(
        'function twoSum() { Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 4000); return [0, 1]; }',
      );
      expect(res.body.verdict).not.toBe('accepted');
      expect(Date.now() - started).toBeLessThan(2500);
    });

    it('20 blocking submissions do not delay an honest verdict by more than a few seconds', async () => {
      const block =
        'function twoSum() { Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 4000); return [0, 1]; }';
      for (let i = 0; i < 20; i++)
        await submit(ctx.j, { problem_id: 'two-sum', source_code: block, user_id: 'm' }, false);
      const started = Date.now();
      const honest = await submit(ctx.j, {
        problem_id: 'two-sum',
        source_code: solution('two-sum', 'accepted.js'),
      });
      expect(honest.body.verdict).toBe('accepted');
      expect(Date.now() - started).toBeLessThan(10_000);
    });

    it('a top-level memory bomb is memory-limit', async () => {
      const res = await hostile("const s = 'x'.repeat(2 ** 30); function twoSum() { return [0, 1]; }");
      expect(res.body.verdict).toBe('memory-limit');
      await honestStillServed(ctx.j);
    });

    it('a 256 MB return value is memory-limit', async () => {
      const res = await hostile("function twoSum() { return ['x'.repeat(256 * 2 ** 20)]; }");
      expect(res.body.verdict).toBe('memory-limit');
      await honestStillServed(ctx.j);
    });

    it('a thrown Proxy whose traps throw is a runtime error and the worker survives', async () => {
      const metrics = async () =>
        sample(await (await fetch(`${ctx.j.url}/metrics`)).text(), 'judge_sandbox_workers_recycled_total');
      const before = await metrics();
      const trap =
        '{ get() { throw new Error("trap"); }, getPrototypeOf() { throw new Error("trap"); }, has() { throw new Error("trap"); } }';
      const top = await hostile(`throw new Proxy({}, ${trap}); function twoSum() {}`);
      const inner = await hostile(`function twoSum() { throw new Proxy({}, ${trap}); }`);
      expect([top.body.verdict, inner.body.verdict]).toEqual(['runtime-error', 'runtime-error']);
      expect(`${top.body.message} ${inner.body.message}`).not.toContain('crashed');
      expect(await metrics()).toBe(before);
      await honestStillServed(ctx.j);
    });
  });

  describe('privileges', () => {
    const { ctx, hostile } = service();
    it('runs the sandbox worker without root', () => {
      for (const pid of workerPids(ctx.j)) {
        const uid = /Uid:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
        expect(uid).not.toBe('0');
      }
    });
    // Last: on the old code this took the whole instance down.
    it('cannot kill the instance', async () => {
      await hostile(`${ESCAPE} grab((p) => { p.kill(p.ppid, 'SIGKILL'); });
      function twoSum() { return [0, 1]; }`);
      await new Promise((r) => setTimeout(r, 200));
      expect(ctx.j.proc.exitCode).toBeNull();
      await honestStillServed(ctx.j);
    });
  });
});
