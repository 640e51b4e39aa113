import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { interpretExit, probeK6, requireK6, runK6 } from '../../../sim/traffic/k6/runner.js';
import { RehearsalError } from '../../../sim/util/errors.js';
import { installFakeK6 } from './fake-k6.js';

const tmp = mkdtempSync(join(tmpdir(), 'rehearsal-k6-runner-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const sample = join(import.meta.dirname, 'fixtures/k6-output.ndjson');
const context = { message: 'Command failed', stderr: '', logFile: '/x/k6.log' };

describe('probeK6 / requireK6', () => {
  it('reports k6 missing from PATH as a value with a hint, and requireK6 turns it into exit code 3', async () => {
    const probe = await probeK6(join(tmp, 'empty'));
    expect(probe).toMatchObject({ available: false, detail: 'k6 not found on PATH' });
    expect(probe.hint).toMatch(/install k6/);
    expect(probe.hint).toMatch(/built-in driver/);
    let error: unknown;
    try {
      requireK6(probe);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(RehearsalError);
    expect((error as RehearsalError).exitCode).toBe(3);
    expect((error as RehearsalError).message).toBe('traffic driver k6 unavailable: k6 not found on PATH');
  });

  it('finds k6 on PATH and reads its version', async () => {
    const fake = installFakeK6(join(tmp, 'probe'), { exitCode: 0 });
    const probe = await probeK6(`${join(tmp, 'nothing-here')}:${fake.bin}`);
    expect(probe).toEqual({ available: true, path: fake.k6, detail: 'k6 v1.4.0-fake (stand-in for tests)' });
    expect(requireK6(probe)).toBe(fake.k6);
  });
});

describe('runK6 (against a stand-in k6 binary)', () => {
  const run = (
    name: string,
    config: Parameters<typeof installFakeK6>[1],
    stop = new AbortController().signal,
  ) => {
    const dir = join(tmp, name);
    const fake = installFakeK6(dir, config);
    const opts = {
      k6: fake.k6,
      script: join(dir, 's.k6.js'),
      outFile: join(dir, 'k6.ndjson'),
      logFile: join(dir, 'k6.log'),
      target: 'http://127.0.0.1:9',
      cwd: dir,
      stop,
    };
    return { fake, opts, result: runK6(opts) };
  };

  it('passes the script, the JSON output file and the target; exit 0 is a clean run', async () => {
    const { fake, opts, result } = run('ok', { sample, exitCode: 0, stderr: 'k6 says hello\n' });
    expect(await result).toEqual({ exitCode: 0, thresholdsFailed: false, stopped: false });
    const args = fake.calls().at(-1)!;
    expect(args[0]).toBe('run');
    expect(args).toContain(`json=${opts.outFile}`);
    expect(args.join(' ')).toContain('-e REHEARSAL_TARGET=http://127.0.0.1:9');
    expect(args.at(-1)).toBe(opts.script);
    expect(readFileSync(opts.outFile, 'utf8')).toBe(readFileSync(sample, 'utf8'));
    expect(readFileSync(opts.logFile, 'utf8')).toContain('k6 says hello');
  });

  it('maps exit code 99 to failed thresholds, not to an error', async () => {
    expect(await run('thresholds', { sample, exitCode: 99 }).result).toEqual({
      exitCode: 99,
      thresholdsFailed: true,
      stopped: false,
    });
  });

  it('turns any other exit code into an error with k6 own text and a hint', async () => {
    const { result, opts } = run('broken', {
      sample,
      exitCode: 107,
      stderr: 'ReferenceError: nope is not defined\n',
    });
    await expect(result).rejects.toMatchObject({
      name: 'RehearsalError',
      message: 'k6 exited with code 107: ReferenceError: nope is not defined',
      hint: `the script threw: run it by hand with \`k6 run\` to see the stack (${opts.logFile})`,
      exitCode: 1,
    });
  });

  it('asks k6 to stop with SIGINT when told to, and takes its external-abort exit as a stop', async () => {
    const stop = new AbortController();
    const { fake, opts, result } = run('stop', { sample, hang: true }, stop.signal);
    await expect.poll(fake.running, { timeout: 10_000 }).toBe(true);
    stop.abort();
    expect(await result).toEqual({ exitCode: 105, thresholdsFailed: false, stopped: true });
    expect(readFileSync(opts.outFile, 'utf8').length).toBeGreaterThan(0);
  });
});

describe('interpretExit', () => {
  it('accepts a SIGINT death only when a stop was asked for', () => {
    expect(interpretExit(undefined, 'SIGINT', true, context)).toMatchObject({
      stopped: true,
      thresholdsFailed: false,
    });
    expect(() => interpretExit(undefined, 'SIGKILL', false, context)).toThrow(/k6 was killed by SIGKILL/);
    expect(() => interpretExit(105, undefined, false, context)).toThrow(/k6 exited with code 105/);
  });

  it('gives k6 config errors their own hint', () => {
    expect(() => interpretExit(104, undefined, false, context)).toThrow(RehearsalError);
    try {
      interpretExit(104, undefined, false, context);
    } catch (e) {
      expect((e as RehearsalError).hint).toMatch(/k6 rejected the options/);
    }
  });
});
