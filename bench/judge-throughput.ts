// Benchmark: judged submissions per second and judge latency of the judge service, beside the naive design.
// Run: npx tsc -p tsconfig.json && node dist/bench/judge-throughput.js
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadCorpus } from '../fixtures/judge-service/src/corpus.js';
import { nullLogger } from '../fixtures/judge-service/src/logger.js';
import { SandboxPool } from '../fixtures/judge-service/src/sandbox/pool.js';
import { SANDBOX_NODE_FLAGS } from '../fixtures/judge-service/src/sandbox/protocol.js';
import { ExitCode } from '../sim/util/errors.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const PROBLEM = 'two-sum';
const SOURCE = readFileSync(join(ROOT, 'fixtures/problems', PROBLEM, 'solutions/accepted.js'), 'utf8');
const problem = loadCorpus(join(ROOT, 'fixtures/problems')).get(PROBLEM)!;
const JOB = {
  source: SOURCE,
  functionName: problem.functionName,
  testsJson: problem.testsJson,
  timeLimitMs: 1000,
  outputLimitChars: 65536,
};
const WORKERS = 2;

interface Result {
  design: string;
  submissions: number;
  concurrency: number;
  seconds: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
}

function summarise(design: string, latencies: number[], seconds: number, concurrency: number): Result {
  const sorted = [...latencies].sort((a, b) => a - b);
  const pct = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;
  const round = (n: number, d = 1) => Math.round(n * 10 ** d) / 10 ** d;
  return {
    design,
    submissions: latencies.length,
    concurrency,
    seconds: round(seconds, 2),
    perSecond: round(latencies.length / seconds),
    p50Ms: round(pct(0.5), 2),
    p99Ms: round(pct(0.99), 2),
  };
}

/** Runs `total` tasks (or as many as fit in `maxSeconds`) with `concurrency` in flight. */
async function drive(total: number, concurrency: number, task: () => Promise<void>, maxSeconds = 10) {
  const latencies: number[] = [];
  let started = 0;
  const t0 = performance.now();
  const lane = async () => {
    while (started < total && performance.now() - t0 < maxSeconds * 1000) {
      started++;
      const t = performance.now();
      await task();
      latencies.push(performance.now() - t);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
  return { latencies, seconds: (performance.now() - t0) / 1000 };
}

function startService(db: string): Promise<{ port: number; stop: () => Promise<void> }> {
  const child = spawn(
    process.execPath,
    [
      join(ROOT, 'dist/fixtures/judge-service/src/main.js'),
      '--port',
      '0',
      '--db',
      db,
      '--workers',
      String(WORKERS),
    ],
    {
      stdio: ['pipe', 'pipe', 'inherit'],
      env: { PATH: process.env.PATH ?? '' },
    },
  );
  const exited = new Promise<void>((r) => child.on('exit', () => r()));
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      const line = chunk
        .toString()
        .split('\n')
        .find((l) => l.includes('"listening"'));
      if (line)
        resolve({
          port: JSON.parse(line).port,
          stop: () => {
            child.kill('SIGTERM');
            return exited;
          },
        });
    });
    child.on('exit', (code) => reject(new Error(`judge service exited with ${code} before listening`)));
  });
}

async function benchService(total: number, concurrency: number): Promise<Result> {
  const db = join(mkdtempSync(join(tmpdir(), 'judge-bench-')), 'judge.sqlite');
  const { port, stop } = await startService(db);
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const body = JSON.stringify({ problem_id: PROBLEM, source_code: SOURCE, user_id: 'bench' });
  const post = () =>
    new Promise<void>((resolve, reject) => {
      const req = request(
        {
          port,
          path: '/submissions?wait=true',
          method: 'POST',
          agent,
          headers: { 'content-type': 'application/json' },
        },
        (res) => {
          let text = '';
          res.on('data', (c) => (text += c));
          res.on('end', () =>
            text.includes('"verdict":"accepted"')
              ? resolve()
              : reject(new Error(`unexpected answer ${res.statusCode} ${text}`)),
          );
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  await drive(300, concurrency, post);
  const run = await drive(total, concurrency, post);
  agent.destroy();
  await stop();
  return summarise(
    `judge service, ${concurrency} client(s) (HTTP + SQLite + pool)`,
    run.latencies,
    run.seconds,
    concurrency,
  );
}

async function benchPool(total: number): Promise<Result> {
  const pool = new SandboxPool({ size: WORKERS, memoryLimitMb: 128, log: nullLogger });
  await drive(50, WORKERS * 2, async () => void (await pool.judge(JOB)));
  const run = await drive(total, WORKERS * 2, async () => {
    if ((await pool.judge(JOB)).verdict !== 'accepted') throw new Error('pool judged wrong');
  });
  await pool.close();
  return summarise('worker pool alone (no HTTP, no store)', run.latencies, run.seconds, WORKERS * 2);
}

async function benchNaive(total: number): Promise<Result> {
  const script = join(ROOT, 'dist/bench/naive-judge.js');
  const input = JSON.stringify({ ...JOB, id: 1 });
  const once = () =>
    new Promise<void>((resolve, reject) => {
      const child = spawn(
        process.execPath,
        [
          '--experimental-permission',
          `--allow-fs-read=${ROOT}`,
          '--no-warnings',
          ...SANDBOX_NODE_FLAGS,
          script,
        ],
        {
          env: {},
          stdio: ['pipe', 'pipe', 'inherit'],
        },
      );
      let out = '';
      child.stdout.on('data', (c) => (out += c));
      child.on('exit', () =>
        out.includes('"accepted"') ? resolve() : reject(new Error(`naive judge said ${out}`)),
      );
      child.stdin.end(input);
    });
  await drive(4, WORKERS, once);
  const run = await drive(total, WORKERS, once, 8);
  return summarise('naive: fresh node process per submission', run.latencies, run.seconds, WORKERS);
}

async function main() {
  const service = await benchService(3000, 16);
  const serial = await benchService(500, 1);
  const pool = await benchPool(3000);
  const naive = await benchNaive(120);
  const results = [service, serial, pool, naive];
  const ratios = {
    serviceVsNaive: Math.round((service.perSecond / naive.perSecond) * 10) / 10,
    poolVsNaive: Math.round((pool.perSecond / naive.perSecond) * 10) / 10,
  };
  const targets = { perSecond: 200, vsNaive: 10 };
  const pass = service.perSecond >= targets.perSecond && ratios.serviceVsNaive >= targets.vsNaive;
  console.log(
    `judge throughput, problem ${PROBLEM} (accepted solution), ${cpus().length} cores, node ${process.version}\n`,
  );
  console.table(results);
  console.log(`service vs naive: ${ratios.serviceVsNaive}x   pool vs naive: ${ratios.poolVsNaive}x`);
  console.log(
    `targets: >= ${targets.perSecond}/s and >= ${targets.vsNaive}x naive — ${pass ? 'met' : 'NOT met'}`,
  );
  const out = join(ROOT, 'reports/bench/judge-throughput.json');
  mkdirSync(dirname(out), { recursive: true });
  const meta = {
    problem: PROBLEM,
    cores: cpus().length,
    node: process.version,
    at: new Date().toISOString(),
  };
  writeFileSync(out, `${JSON.stringify({ ...meta, results, ratios, targets, pass }, null, 2)}\n`);
  console.log(`wrote ${out}`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(ExitCode.rehearsalFailed);
});
