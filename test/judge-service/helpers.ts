import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tempDir } from '../helpers/temp-dir.js';

/** Repository root. */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** The compiled entry point the tests run. */
export const MAIN = join(ROOT, 'dist/fixtures/judge-service/src/main.js');
/** The problem corpus. */
export const PROBLEMS = join(ROOT, 'fixtures/problems');
/** Admin token used by test instances. */
export const ADMIN_TOKEN = 'test-admin-token';

function newest(dir: string): number {
  let t = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    t = Math.max(t, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return t;
}

/** Compiles the project unless dist is newer than the service sources; a lock keeps parallel files apart. */
export function ensureBuilt(): void {
  const lock = join(tmpdir(), 'rehearsal-judge-build.lock');
  const fresh = () =>
    existsSync(MAIN) && statSync(MAIN).mtimeMs >= newest(join(ROOT, 'fixtures/judge-service/src'));
  for (;;) {
    if (fresh()) return;
    try {
      mkdirSync(lock);
    } catch {
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
      continue;
    }
    try {
      if (!fresh())
        execFileSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', ROOT], {
          stdio: 'inherit',
        });
    } finally {
      rmdirSync(lock);
    }
  }
}

/** A running judge service started by a test. */
export interface Judge {
  proc: ChildProcess;
  port: number;
  url: string;
  /** Every stdout and stderr line so far. */
  output: string[];
  /** SIGTERM and wait for exit; resolves with the exit code. */
  stop(): Promise<number | null>;
  /** SIGKILL and wait for exit. */
  kill(): Promise<void>;
  /** Resolves with the exit code once the process exits. */
  exited: Promise<number | null>;
}

/** A fresh temporary database path. */
export function tempDb(): string {
  return join(tempDir('judge-test-'), 'judge.sqlite');
}

/** Starts the compiled service on port 0 and waits for its `listening` line. */
export async function startJudge(
  opts: { db?: string; args?: string[]; env?: Record<string, string> } = {},
): Promise<Judge> {
  ensureBuilt();
  const db = opts.db ?? tempDb();
  const proc = spawn(process.execPath, [MAIN, '--port', '0', '--db', db, ...(opts.args ?? [])], {
    env: { PATH: process.env.PATH ?? '', JUDGE_ADMIN_TOKEN: ADMIN_TOKEN, ...opts.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
  const port = await new Promise<number>((resolve, reject) => {
    const onLine = (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n').filter(Boolean)) {
        output.push(line);
        if (line.includes('"msg":"listening"')) resolve(JSON.parse(line).port);
      }
    };
    proc.stdout.on('data', onLine);
    proc.stderr.on('data', onLine);
    exited.then((code) =>
      reject(new Error(`judge exited with ${code} before listening:\n${output.join('\n')}`)),
    );
  });
  return {
    proc,
    port,
    url: `http://127.0.0.1:${port}`,
    output,
    exited,
    stop: () => {
      proc.kill('SIGTERM');
      return exited;
    },
    kill: async () => {
      proc.kill('SIGKILL');
      await exited;
    },
  };
}

/** Reads a corpus solution. */
export function solution(problem: string, file: string): string {
  return readFileSync(join(PROBLEMS, problem, 'solutions', file), 'utf8');
}

/** POSTs a submission; returns status, headers and JSON body. */
export async function submit(
  j: Judge,
  body: Record<string, unknown>,
  wait = true,
): Promise<{ status: number; headers: Headers; body: Record<string, unknown> }> {
  const res = await fetch(`${j.url}/submissions${wait ? '?wait=true' : ''}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, unknown> };
}

/** Changes toggles through the admin API. */
export async function setToggles(j: Judge, patch: Record<string, unknown>): Promise<Response> {
  return fetch(`${j.url}/admin/toggles`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify(patch),
  });
}

/** Value of one sample in Prometheus text, 0 when absent. */
export function sample(metrics: string, name: string, labels = ''): number {
  const line = metrics.split('\n').find((l) => l.startsWith(labels ? `${name}{${labels}` : `${name} `));
  return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : 0;
}

/** Polls until the predicate holds or the timeout passes. */
export async function until(predicate: () => Promise<boolean> | boolean, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}
