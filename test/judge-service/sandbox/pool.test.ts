import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCorpus } from '../../../fixtures/judge-service/src/corpus.js';
import type * as PoolModule from '../../../fixtures/judge-service/src/sandbox/pool.js';
import { tempDir } from '../../helpers/temp-dir.js';
import { ensureBuilt, PROBLEMS, ROOT } from '../helpers.js';

// A worker that has been taken over completely: it runs whatever the "source" says in its own realm.
const ROGUE = `
import net from 'node:net';
const report = (nonce, message) => ({ nonce, report: { outputs: [], end: 'error', message, timeMs: 1, memoryKb: 1 } });
process.on('message', (job) => {
  const [what, arg] = job.source.split(' ');
  if (what === 'block') Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20000);
  if (what === 'guess') return process.send(report('0123456789abcdef', 'forged'));
  if (what === 'keys') return process.send(report(job.nonce, Object.keys(job).join(',')));
  if (what === 'twice') process.send(report(job.nonce, 'first'));
  if (what === 'accept') return process.send({ nonce: job.nonce, report: { outputs: [], end: 'ok', message: '', timeMs: 1, memoryKb: 1 } });
  if (what === 'escape') {
    let signal;
    try { process.kill(process.ppid, 0); signal = 'signalled'; } catch (e) { signal = e.code; }
    const socket = net.connect(Number(arg), '127.0.0.1');
    socket.on('connect', () => process.send(report(job.nonce, signal + ' connected')));
    socket.on('error', (e) => process.send(report(job.nonce, signal + ' ' + e.code)));
    return;
  }
  process.send(report(job.nonce, 'done'));
});
process.send({ ready: true });
`;

const log = { info() {}, warn() {}, error() {} } as never;
const twoSum = loadCorpus(PROBLEMS).get('two-sum')!;
const job = (source: string, timeLimitMs = 200) => ({
  source,
  functionName: twoSum.functionName,
  testsJson: twoSum.testsJson,
  timeLimitMs,
  outputLimitChars: 1000,
});

describe('sandbox pool against a rogue worker', { timeout: 20_000 }, () => {
  let pool: PoolModule.SandboxPool;
  let connections = 0;
  const listener = createServer((s) => {
    connections++;
    s.destroy();
  });
  beforeAll(async () => {
    ensureBuilt();
    const { SandboxPool } = (await import(
      join(ROOT, 'dist/fixtures/judge-service/src/sandbox/pool.js')
    )) as typeof PoolModule;
    const dir = tempDir('rogue-worker-');
    chmodSync(dir, 0o755); // the worker runs as an unprivileged user
    writeFileSync(join(dir, 'rogue.mjs'), ROGUE, { mode: 0o644 });
    pool = new SandboxPool({ size: 1, memoryLimitMb: 64, log, worker: join(dir, 'rogue.mjs') });
    await new Promise<void>((r) => listener.listen(0, '127.0.0.1', r));
  });
  afterAll(async () => {
    await pool.close();
    listener.close();
  });

  it('never sends the expected outputs to a worker', async () => {
    const out = await pool.judge(job('keys'));
    expect(out.message.split(',').sort()).toEqual([
      'functionName',
      'inputsJson',
      'nonce',
      'outputLimitChars',
      'resultLimitChars',
      'source',
      'timeLimitMs',
    ]);
  });

  it('refuses an accepted claim without the outputs, an answer with a guessed nonce and a second answer', async () => {
    expect((await pool.judge(job('accept'))).verdict).toBe('internal-error');
    expect((await pool.judge(job('guess'))).verdict).toBe('internal-error');
    const [first, next] = await Promise.all([pool.judge(job('twice')), pool.judge(job('plain'))]);
    expect(first.verdict).toBe('runtime-error');
    // The worker answered out of turn while judging the next job: it is killed, that job is our fault.
    expect(next.verdict).toBe('internal-error');
    expect(await pool.judge(job('plain'))).toMatchObject({ verdict: 'runtime-error', message: 'done' });
  });

  it('kills a worker that blocks past its wall-time limit, though it uses no CPU', async () => {
    const started = Date.now();
    const out = await pool.judge(job('block', 200));
    expect(out).toMatchObject({ verdict: 'time-limit', message: 'wall time limit exceeded' });
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('a worker taken over cannot signal the service nor open a TCP connection', async () => {
    if (process.getuid?.() !== 0) return; // the non-root fallbacks are weaker: see the README
    const out = await pool.judge(job(`escape ${(listener.address() as { port: number }).port}`));
    expect(out.message).toMatch(/^EPERM (ENETUNREACH|ECONNREFUSED|EACCES)/);
    expect(connections).toBe(0);
    expect(pool.isolation).toMatchObject({
      level: 'netns+uid',
      networkDenied: true,
      privilegesDropped: true,
    });
  });

  it('runs its workers as an unprivileged user', async () => {
    if (process.getuid?.() !== 0) return;
    await pool.judge(job('plain'));
    const children = readFileSync(`/proc/${process.pid}/task/${process.pid}/children`, 'utf8');
    for (const pid of children.split(' ').filter(Boolean)) {
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      if (!status.includes('rogue')) continue;
      expect(/Uid:\s+(\d+)/.exec(status)?.[1]).not.toBe('0');
    }
  });
});
