import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ExitCode } from '../sim/util/errors.js';
import { seconds } from '../sim/util/format.js';

// `node dist/bench/fresh-starts.js [--runs 24] [--parallel 2] [--limit-s 240] [scenario files…]`
// Starts the CLI again and again, as a new user or a CI job would: each run a fresh reports folder and fresh
// stores. Per run it records whether the CLI exited by itself (within --limit-s), its exit code, any harness error
// in report.json, and every process of ours still alive afterwards. Exit 1 if any run fell short.

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const argv = process.argv.slice(2);
const flag = (name: string, fallback: number) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? Number(argv[i + 1]) : fallback;
};
const runs = flag('runs', 24);
const parallel = flag('parallel', 2);
const limitMs = flag('limit-s', 240) * 1000;
const files = argv.filter((a, i) => !a.startsWith('--') && !argv[i - 1]?.startsWith('--'));
const scenarios =
  files.length > 0 ? files : ['scenarios/canary-healthy.yaml', 'scenarios/canary-error-spike.yaml'];
const OURS = /judge-service\/src\/main\.js|sim\/router\/main\.js|sandbox\/worker\.js/;

/** Pids of processes of ours (judge instances, routers, sandbox workers), with their command lines. */
function ourProcesses(): string[] {
  const found: string[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const line = readFileSync(`/proc/${entry}/cmdline`, 'latin1').replaceAll('\0', ' ');
      if (OURS.test(line)) found.push(`${entry} ${line.slice(0, 120)}`);
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

interface RunResult {
  run: number;
  exitCode: number | null;
  exitedByItself: boolean;
  wallMs: number;
  statuses: string[];
  harnessErrors: string[];
  leftovers: string[];
}

function once(run: number, reports: string): Promise<RunResult> {
  return new Promise((done) => {
    const started = Date.now();
    const child = spawn(
      process.execPath,
      ['dist/sim/cli.js', 'run', ...scenarios, '--parallel', String(parallel), '--reports', reports],
      { cwd: root, env: { ...process.env, CI: 'true' }, stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr = (stderr + d.toString()).slice(-4000);
    });
    let exitedByItself = true;
    const limit = setTimeout(() => {
      exitedByItself = false;
      child.kill('SIGKILL');
    }, limitMs);
    child.on('exit', async (code) => {
      clearTimeout(limit);
      const wallMs = Date.now() - started;
      await new Promise((r) => setTimeout(r, 1000)); // a SIGKILLed child takes a moment to be reaped
      const statuses: string[] = [];
      const harnessErrors: string[] = [];
      for (const dir of readdirSync(reports)) {
        try {
          const report = JSON.parse(readFileSync(join(reports, dir, 'report.json'), 'utf8')) as {
            scenarios: { name: string; status: string; error?: string }[];
          };
          for (const s of report.scenarios) {
            statuses.push(`${s.name}:${s.status}`);
            if (s.status === 'error') harnessErrors.push(`${s.name}: ${s.error ?? 'harness error'}`);
          }
        } catch {
          harnessErrors.push(`no report.json in ${dir}: ${stderr.split('\n').slice(-3).join(' | ')}`);
        }
      }
      done({
        run,
        exitCode: code,
        exitedByItself,
        wallMs,
        statuses,
        harnessErrors,
        leftovers: ourProcesses(),
      });
    });
  });
}

const before = ourProcesses();
if (before.length > 0) {
  process.stderr.write(
    `fresh-starts: processes of ours already running, stop them first:\n${before.join('\n')}\n`,
  );
  process.exit(ExitCode.invalidScenario);
}
const work = join(tmpdir(), `rehearsal-fresh-starts-${process.pid}`);
const results: RunResult[] = [];
try {
  for (let i = 1; i <= runs; i++) {
    const reports = join(work, String(i));
    mkdirSync(reports, { recursive: true });
    const r = await once(i, reports);
    results.push(r);
    const ok = r.exitedByItself && r.harnessErrors.length === 0 && r.leftovers.length === 0;
    process.stdout.write(
      `run ${String(i).padStart(2)}: exit ${r.exitCode} in ${seconds(r.wallMs)} s${r.exitedByItself ? '' : ' (KILLED at the limit)'} ${r.statuses.join(' ')}${ok ? '' : ` FAIL ${[...r.harnessErrors, ...r.leftovers].join('; ')}`}\n`,
    );
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
const bad = results.filter((r) => !r.exitedByItself || r.harnessErrors.length > 0 || r.leftovers.length > 0);
const walls = results.map((r) => r.wallMs).sort((a, b) => a - b);
const summary = {
  scenarios,
  parallel,
  runs: results.length,
  exitedByItself: results.filter((r) => r.exitedByItself).length,
  harnessErrors: results.reduce((n, r) => n + r.harnessErrors.length, 0),
  runsWithLeftovers: results.filter((r) => r.leftovers.length > 0).length,
  exitCodes: Object.fromEntries(
    [...new Set(results.map((r) => String(r.exitCode)))].map((c) => [
      c,
      results.filter((r) => String(r.exitCode) === c).length,
    ]),
  ),
  wallMs: { min: walls[0], median: walls[Math.floor(walls.length / 2)], max: walls.at(-1) },
  results,
};
mkdirSync(join(root, 'reports/bench'), { recursive: true });
writeFileSync(join(root, 'reports/bench/fresh-starts.json'), `${JSON.stringify(summary, null, 2)}\n`);
process.stdout.write(
  `\n${summary.runs} fresh starts of ${scenarios.length} scenario(s) --parallel ${parallel}: ${summary.exitedByItself} exited by themselves, ${summary.harnessErrors} harness errors, ${summary.runsWithLeftovers} runs left processes behind; exit codes ${JSON.stringify(summary.exitCodes)}; wall ${seconds(summary.wallMs.min ?? 0)}/${seconds(summary.wallMs.median ?? 0)}/${seconds(summary.wallMs.max ?? 0)} s (min/median/max)\nwritten: reports/bench/fresh-starts.json\n`,
);
process.exitCode = bad.length > 0 ? 1 : 0;
