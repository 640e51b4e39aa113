import { readdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/temp-dir.js';
import { type Judge, solution, startJudge, submit } from './helpers.js';

const ENV_SECRET = 'env-secret-5f1c9a7e';
const FILE_SECRET = 'file-secret-b83d02aa';
const dir = tempDir('judge-secret-');
const secretFile = join(dir, 'secret.txt');
writeFileSync(secretFile, FILE_SECRET);

// Each tries to reach outside the sandbox and return what it found as the "answer".
const answerWith = (expr: string) => `function twoSum() {\n  return String(${expr});\n}\n`;
const hostile: [string, string][] = [
  ['read /etc/passwd', answerWith("require('fs').readFileSync('/etc/passwd', 'utf8')")],
  [
    'read the secret file',
    answerWith(`process.mainModule.require('fs').readFileSync(${JSON.stringify(secretFile)}, 'utf8')`),
  ],
  ['read environment variables', answerWith('JSON.stringify(process.env)')],
  ['spawn a process', answerWith("require('child_process').execSync('cat /proc/1/environ')")],
  ['dynamic import', answerWith("import('node:fs').then((fs) => fs.readFileSync('/etc/passwd'))")],
  ['open a network connection', "function twoSum() { return fetch('http://127.0.0.1:PORT/'); }"],
  ['escape via constructor chain', answerWith("this.constructor.constructor('return process')().env")],
  ['escape via function constructor', answerWith("twoSum.constructor('return globalThis.process')().env")],
  ['escape via async constructor', answerWith("(async () => {}).constructor('return process')()")],
  [
    'escape via stack frames',
    `function twoSum() {
      Error.prepareStackTrace = (e, frames) => frames.map((f) => { const t = f.getThis(); return t && t.process; });
      const found = new Error().stack.find(Boolean);
      return String(found && found.env);
    }`,
  ],
  ['loop forever', 'function twoSum() { while (true) {} }'],
  [
    'allocate gigabytes on the heap',
    'function twoSum() { const a = []; for (;;) a.push(new Array(1e6).fill(7)); }',
  ],
  [
    'allocate gigabytes off the heap',
    'function twoSum() { const b = []; for (;;) b.push(new Uint8Array(2 ** 28).fill(1)); }',
  ],
  ['one huge string', "function twoSum() { let s = 'x'; for (;;) s += s; }"],
  ['print 100 MB', "function twoSum() { for (let i = 0; i < 100; i++) console.log('x'.repeat(1 << 20)); }"],
  [
    'pollute prototypes',
    'Object.prototype.polluted = 1; Array.prototype.push = null; JSON.parse = () => 0; function twoSum() { return [0, 1]; }',
  ],
];

describe('hostile submissions', () => {
  let j: Judge;
  let connections = 0;
  const listener = createServer((s) => {
    connections++;
    s.destroy();
  });
  beforeAll(async () => {
    await new Promise<void>((r) => listener.listen(0, '127.0.0.1', r));
    j = await startJudge({ env: { JUDGE_TEST_SECRET: ENV_SECRET, SECRET_FILE: secretFile } });
  });
  afterAll(async () => {
    await j.stop();
    listener.close();
  });

  const seen: string[] = [];
  const port = () => String((listener.address() as { port: number }).port);

  it.each(hostile)('%s gets a verdict, leaks nothing and leaves the judge healthy', async (_name, source) => {
    const res = await submit(j, {
      problem_id: 'two-sum',
      source_code: source.replace('PORT', port()),
      user_id: 'mallory',
    });
    const text = JSON.stringify(res.body);
    seen.push(text);
    expect(res.status).toBe(201);
    expect(res.body.verdict).toMatch(
      /^(wrong-answer|time-limit|memory-limit|runtime-error|compilation-error)$/,
    );
    expect(text).not.toContain(ENV_SECRET);
    expect(text).not.toContain(FILE_SECRET);
    expect(text).not.toContain('root:x:0:0');
    expect((await fetch(`${j.url}/healthz`)).status).toBe(200);
    const next = await submit(j, { problem_id: 'two-sum', source_code: solution('two-sum', 'accepted.js') });
    expect(next.body.verdict).toBe('accepted');
  });

  it('got the verdicts the attacks deserve and no connection was made', async () => {
    const verdicts = seen.map((s) => JSON.parse(s).verdict);
    const verdictOf = (name: string) => verdicts[hostile.findIndex(([n]) => n === name)];
    const deserved = {
      'loop forever': 'time-limit',
      'allocate gigabytes on the heap': 'memory-limit',
      'allocate gigabytes off the heap': 'memory-limit',
      'one huge string': 'memory-limit',
    };
    expect(Object.fromEntries(Object.keys(deserved).map((n) => [n, verdictOf(n)]))).toEqual(deserved);
    expect(seen[hostile.findIndex(([n]) => n === 'print 100 MB')]).toContain('output limit exceeded');
    expect(connections).toBe(0);
  });

  it('runs sandbox workers under the permission model with an empty environment', () => {
    const workers = readdirSync(`/proc/${j.proc.pid}/task`).flatMap((t) =>
      readFileSync(`/proc/${j.proc.pid}/task/${t}/children`, 'utf8').split(' ').filter(Boolean),
    );
    expect(workers.length).toBeGreaterThan(0);
    for (const pid of workers) {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      expect(cmdline).toContain('--experimental-permission');
      expect(cmdline.some((a) => a.startsWith('--allow-fs-read=') && a.endsWith('/sandbox/'))).toBe(true);
      expect(
        cmdline.some((a) => a.startsWith('--allow-child-process') || a.startsWith('--allow-worker')),
      ).toBe(false);
      expect(readFileSync(`/proc/${pid}/environ`, 'utf8')).not.toContain(ENV_SECRET);
      if (process.getuid?.() === 0) {
        // Root can always unshare here; the weaker fallbacks are covered by the isolation probe tests.
        expect(/Uid:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]).not.toBe('0');
        expect(readlinkSync(`/proc/${pid}/ns/net`)).not.toBe(readlinkSync(`/proc/${j.proc.pid}/ns/net`));
      }
    }
  });

  it('publishes how its workers are isolated', async () => {
    const metrics = await (await fetch(`${j.url}/metrics`)).text();
    expect(metrics).toMatch(/judge_sandbox_isolation\{level="[a-z+]+",network_denied="(true|false)"/);
  });

  it('never writes a secret to its log or metrics', async () => {
    const metrics = await (await fetch(`${j.url}/metrics`)).text();
    for (const text of [j.output.join('\n'), metrics]) {
      expect(text).not.toContain(ENV_SECRET);
      expect(text).not.toContain(FILE_SECRET);
    }
  });
});
