import { describe, expect, it } from 'vitest';
import { solution, submit } from '../helpers.js';
import { ESCAPE, honestStillServed, hostileService, workerPids } from './hostile.js';

// The adversarial suite for stdin/stdout programs (Judge0 mode): the same sandbox, so the same attacks, plus
// the ones a program has of its own: its stdin, its console, and the expected output it must never see.
const SECRET = 'SECRET-EXPECTED-8812';

interface Answer {
  status: { id: number };
  verdict: string;
  stdout: string | null;
  stderr: string | null;
  message: string | null;
}

function service() {
  const ctx = hostileService();
  const program = async (source: string, extra: Record<string, unknown> = {}): Promise<Answer> => {
    const res = await fetch(
      `${ctx.j.url}/submissions?wait=true&fields=status,verdict,stdout,stderr,message`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ source_code: source, language_id: 63, user_id: 'mallory', ...extra }),
      },
    );
    expect(res.status).toBe(201);
    return (await res.json()) as Answer;
  };
  /** Asserts an honest program is still judged right, beside the function submissions. */
  const honestProgram = async () => {
    const [right, wrong] = await Promise.all([
      program('print(Number(readline()) * 2)', { stdin: '21', expected_output: '42' }),
      program('print(Number(readline()) * 3)', { stdin: '21', expected_output: '42' }),
    ]);
    expect([right.status.id, wrong.status.id]).toEqual([3, 4]);
    await honestStillServed(ctx.j);
  };
  return { ctx, program, honestProgram };
}

describe('adversarial stdin/stdout programs', { timeout: 30_000 }, () => {
  describe('escapes', () => {
    const { ctx, program, honestProgram } = service();
    it('has no process, require, fetch or import() inside its context', async () => {
      const res = await program(
        `print(typeof process, typeof require, typeof fetch, typeof module, typeof Atomics, typeof WebAssembly);
        try { import('node:fs').then(() => print('imported'), () => {}); } catch (e) { print('threw'); }`,
      );
      expect(res.stdout).toMatch(/^undefined undefined undefined undefined undefined undefined\n/);
      expect(res.stdout).not.toContain('imported');
    });

    it('cannot forge an accepted status through the import() error', async () => {
      const res = await program(
        `${ESCAPE} grab((p) => p.send({ report: { outputs: [], end: 'ok', message: '', timeMs: 1, memoryKb: 1, stdout: '${SECRET}', stderr: '' } }));
        print('wrong')`,
        { expected_output: SECRET },
      );
      expect(res.status.id).toBe(4);
      expect(res.stdout).toBe('wrong\n');
      await honestProgram();
    });

    it.each([
      ['the global object', 'globalThis.constructor.constructor'],
      ['readline', 'readline.constructor'],
      ['console.log', 'console.log.constructor'],
      ['a caught TypeError', '(() => { try { null.x; } catch (e) { return e.constructor.constructor; } })()'],
      [
        'a stack overflow',
        '(() => { const f = () => f(); try { f(); } catch (e) { return e.constructor.constructor; } })()',
      ],
    ])('reaches no host Function through %s', async (_name, expr) => {
      const res = await program(`let found = 'none';
        try { const F = ${expr}; if (F) found = typeof F('return typeof process')(); } catch (e) { found = 'refused ' + e.name; }
        throw new Error('found ' + found);`);
      expect(res.stderr).toMatch(/found (none|refused \w+)\n$/);
    });

    it('cannot reach the network through getBuiltinModule', async () => {
      const before = ctx.connections;
      await program(`${ESCAPE} grab((p) => { const net = p.getBuiltinModule('net');
        net.connect(${ctx.port}, '127.0.0.1').on('error', () => {}); }); print(1)`);
      await new Promise((r) => setTimeout(r, 300));
      expect(ctx.connections).toBe(before);
    });

    it('cannot signal the service or its worker', async () => {
      const pids = workerPids(ctx.j);
      const res = await program(
        `${ESCAPE} grab((p) => { try { p.kill(${ctx.j.proc.pid}, 'SIGKILL'); } catch (e) {} }); print('done')`,
      );
      expect(res.stdout).toBe('done\n');
      expect(ctx.j.proc.exitCode).toBeNull();
      expect(workerPids(ctx.j)).toEqual(pids);
    });
  });

  describe('the expected output', () => {
    const { program, honestProgram } = service();
    it('is nowhere a program can look: globals, stdin past its end, stacks', async () => {
      const res = await program(
        `const seen = [];
        for (const k of Object.getOwnPropertyNames(globalThis)) { try { seen.push(k + '=' + String(globalThis[k])); } catch (e) {} }
        let line; while ((line = readline()) !== null) seen.push(line);
        seen.push(String(readline()), stdin, new Error().stack);
        try { null.x; } catch (e) { seen.push(e.stack); }
        print(seen.join('|'));`,
        { stdin: 'only the input', expected_output: SECRET },
      );
      expect(res.status.id).toBe(4);
      expect(`${res.stdout}${res.stderr}`).not.toContain(SECRET);
      expect(res.stdout).toContain('only the input');
    });

    it('is compared outside the context: pollution fools neither side of the comparison', async () => {
      const pollution = `String.prototype.trimEnd = () => '${SECRET}'; String.prototype.split = () => ['${SECRET}'];
        Array.prototype.join = () => '${SECRET}'; String.prototype.indexOf = () => -1; String.prototype.slice = () => 'x';
        JSON.stringify = () => '${SECRET}'; String = () => '${SECRET}';`;
      const wrong = await program(`${pollution} print('nope')`, { expected_output: SECRET });
      expect(wrong.status.id).toBe(4);
      const right = await program(`${pollution} print(readline() + '!')`, {
        stdin: 'hello\nworld',
        expected_output: 'hello!',
      });
      expect(right).toMatchObject({ status: { id: 3 }, stdout: 'hello!\n' });
      await honestProgram();
    });

    it('a fake timeout error is a runtime error, not a time limit', async () => {
      const res = await program(`const e = new Error('Script execution timed out after 1ms');
        e.code = 'ERR_SCRIPT_EXECUTION_TIMEOUT'; throw e;`);
      expect(res.status.id).toBe(11);
      expect(res.stderr).toMatch(/Script execution timed out/);
    });
  });

  describe('resource abuse', () => {
    const { ctx, program, honestProgram } = service();
    it.each([
      ['a busy loop', 'for (;;) {}'],
      ['an endless microtask chain', '(function f() { Promise.resolve().then(f); })()'],
      ['a loop that swallows every error', 'for (;;) { try { for (;;) {} } catch (e) {} }'],
      ['a loop that keeps reading', 'for (;;) readline()'],
    ])('%s gets Time Limit Exceeded within its limits', async (_name, source) => {
      const started = Date.now();
      const res = await program(source, { cpu_time_limit: 0.3 });
      expect(res.status.id).toBe(5);
      // The wall-time limit is 2 × 0.3 s + 0.5 s; the rest is queueing and start-up on a loaded machine.
      expect(Date.now() - started).toBeLessThan(6000);
    });

    it.each([
      ['many lines', 'for (;;) console.log("x".repeat(1000))'],
      ['one huge line', 'print("y".repeat(10_000_000))'],
      ['stderr', 'for (;;) console.error("z".repeat(1000))'],
      [
        'a catch around the limit',
        'for (let i = 0; i < 1e6; i++) { try { print("w".repeat(1000)); } catch (e) {} }',
      ],
    ])('huge output (%s) is capped and reported, never stored in full', async (_name, source) => {
      const res = await program(source);
      expect(res.status.id).toBe(8);
      expect((res.stdout ?? '').length + (res.stderr ?? '').length).toBeLessThanOrEqual(64 * 1024);
      expect(ctx.j.proc.exitCode).toBeNull();
    });

    it('a heap bomb costs a worker restart, not the service', async () => {
      const res = await program('const a = []; for (;;) a.push(new Array(1e6).fill(1));', {
        cpu_time_limit: 5,
      });
      expect([5, 10]).toContain(res.status.id);
      await honestProgram();
    });

    it('a 64 KiB stdin is read whole, a larger one is refused', async () => {
      const stdin = `${'n'.repeat(60_000)}\n`;
      const read = await program('print(readline().length)', { stdin, expected_output: '60000' });
      expect(read.status.id).toBe(3);
      const res = await fetch(`${ctx.j.url}/submissions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ source_code: 'print(1)', language_id: 63, stdin: 'n'.repeat(70_000) }),
      });
      expect(res.status).toBe(422);
      expect(await res.json()).toEqual({ stdin: ['is too long (maximum is 65536 bytes)'] });
    });

    it('hostile programs among honest ones leave every honest verdict right', async () => {
      const hostile = ['for (;;) {}', 'for (;;) print("x".repeat(1000))', 'null.x', 'let = ;'].map((s) =>
        program(s, { cpu_time_limit: 0.2 }),
      );
      const honest = Array.from({ length: 6 }, (_, i) =>
        program('const [a, b] = readline().split(" ").map(Number); print(a + b)', {
          stdin: `${i} ${i}`,
          expected_output: String(2 * i),
        }),
      );
      const function_ = submit(ctx.j, {
        problem_id: 'two-sum',
        source_code: solution('two-sum', 'accepted.js'),
      });
      expect((await Promise.all(honest)).map((r) => r.status.id)).toEqual(Array(6).fill(3));
      expect((await Promise.all(hostile)).map((r) => r.status.id)).toEqual([5, 8, 11, 6]);
      expect((await function_).body.verdict).toBe('accepted');
    });
  });
});
