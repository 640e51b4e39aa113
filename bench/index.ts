import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ExitCode } from '../sim/util/errors.js';
import type { GeneratorBenchReport } from './generator-bench.js';
import type { FullReport } from './report.js';

// `npm run bench` = `node dist/bench/index.js [--smoke] [--with-default-run | --no-default-run] [--out-dir DIR]`.
// Runs the router bench and the traffic-generator bench (each prints its own table and writes its JSON), then times
// the README's default run (`rehearse run`; on by default, off with --smoke unless --with-default-run), and prints
// one summary table of every target, writing DIR/summary.json (DIR defaults to reports/bench).

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const argv = process.argv.slice(2);
const smoke = argv.includes('--smoke');
const withDefaultRun = argv.includes('--with-default-run') || (!smoke && !argv.includes('--no-default-run'));
const outDir = resolve(
  argv.includes('--out-dir') ? (argv[argv.indexOf('--out-dir') + 1] ?? '') : 'reports/bench',
);

let current: ReturnType<typeof spawn> | undefined;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    current?.kill(signal);
    process.exit(ExitCode.interrupted);
  });
}

/** Runs a node script to its end; stdout/stderr go to ours, or to `log` when given. Resolves to the exit code. */
function run(script: string, args: string[], log?: string): Promise<number> {
  return new Promise((res, rej) => {
    const child = spawn(process.execPath, [script, ...args], {
      cwd: root,
      stdio: log ? ['ignore', 'pipe', 'pipe'] : ['ignore', 'inherit', 'inherit'],
    });
    current = child;
    if (log) {
      const out = createWriteStream(log);
      child.stdout?.pipe(out);
      child.stderr?.pipe(out);
    }
    child.on('error', rej);
    child.on('exit', (code, sig) => res(code ?? (sig ? 128 : 1)));
  });
}

const readJson = async <T>(file: string): Promise<T | null> => {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as T;
  } catch {
    return null;
  }
};

/** Wall time of the README's default run, against the traffic time its scenarios planned (the reference). */
async function defaultRun(): Promise<Record<string, unknown>> {
  const log = resolve(outDir, 'default-run.log');
  const started = performance.now();
  const exitCode = await run(resolve(root, 'dist/sim/cli.js'), ['run'], log);
  const wallSeconds = (performance.now() - started) / 1000;
  const text = await readFile(log, 'utf8').catch(() => '');
  // `rehearse run` ends with `reports: <dir> (report.json, junit.xml, …)`.
  const dir = /^reports: (\S+) \(/m.exec(text)?.[1];
  const reportFile = dir ? resolve(root, dir, 'report.json') : undefined;
  type Run = {
    scenarios: {
      name: string;
      durationMs: number;
      status: string;
      measuredUnderDistortion?: boolean;
      traffic: { distortion?: string };
    }[];
  };
  const report = reportFile ? await readJson<Run>(reportFile) : null;
  const scenarioSeconds = report ? report.scenarios.reduce((s, x) => s + x.durationMs, 0) / 1000 : null;
  return {
    command: 'node dist/sim/cli.js run',
    ...(report ? {} : { failed: `no report.json written (exit ${exitCode}); see ${log}` }),
    exitCode,
    wallSeconds,
    scenarioSeconds,
    wallVsScenarioTime: scenarioSeconds ? wallSeconds / scenarioSeconds : null,
    scenarios:
      report?.scenarios.map((s) => ({
        name: s.name,
        status: s.status,
        seconds: s.durationMs / 1000,
        distortion: s.traffic.distortion ?? null,
      })) ?? [],
    report: reportFile ?? null,
    log,
  };
}

await mkdir(outDir, { recursive: true });
const mode = smoke ? ['--smoke'] : [];
const routerFile = resolve(outDir, 'router.json');
const generatorFile = resolve(outDir, 'generator.json');
const routerExit = await run(resolve(here, 'router-bench.js'), [...mode, '--out', routerFile]);
console.log('');
const generatorExit = await run(resolve(here, 'generator-bench.js'), [...mode, '--out', generatorFile]);
console.log('');
const router = routerExit === 0 ? await readJson<FullReport>(routerFile) : null;
const generator = generatorExit === 0 ? await readJson<GeneratorBenchReport>(generatorFile) : null;
const defaults = withDefaultRun ? await defaultRun() : null;

const f = (n: number | null | undefined, d = 2) => (n == null ? '-' : n.toFixed(d));
const targets = [...(router?.targets ?? []), ...(generator?.targets ?? [])];
const rows: [string, string, string][] = [
  ['router throughput / nginx (wrk, closed loop)', f(router?.throughput.routerVsNginx), '>= 0.6'],
  ['router throughput / direct upstream', f(router?.throughput.routerVsDirect), ''],
  ...(router?.added ?? []).map((a): [string, string, string] => [
    `router added p50 / p99 at ${a.rate} req/s (ms; nginx ${f(a.nginx?.addedP50Ms, 3)} / ${f(a.nginx?.addedP99Ms, 3)})`,
    `${f(a.router.addedP50Ms, 3)} / ${f(a.router.addedP99Ms, 3)}`,
    a.rate === router?.config.latencyRate ? '<= 0.5 p50' : '',
  ]),
  ...(generator?.rows ?? []).map((r): [string, string, string] => [
    `generator achieved/target at ${r.rate} req/s (lag p99 ${f(r.generator.lagP99Ms, 1)} ms, not sent ${r.generator.notSent}; cpu vs hey ${f(generator?.ratios.cpuVsHeyAt[String(r.rate)])})`,
    f(r.achievedRatio, 3),
    r.rate <= 2000 ? '>= 0.99' : '',
  ]),
  ['generator max sustained rate / wrk max', f(generator?.ratios.sustainedVsWrkMax, 3), ''],
  ['generator max sustained rate / hey max', f(generator?.ratios.sustainedVsHeyMax, 3), ''],
  ...(defaults
    ? [
        [
          `default run wall time (s) / wall time over its scenarios' own time (exit ${defaults.exitCode}${defaults.failed ? ', FAILED' : ''})`,
          `${f(defaults.wallSeconds as number, 1)} / ${f(defaults.wallVsScenarioTime as number | null)}`,
          '',
        ] as [string, string, string],
      ]
    : []),
];
const w = Math.max(...rows.map((r) => r[0].length));
console.log(
  `Bench summary (${smoke ? 'smoke' : 'full'}) — load ${os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')} on ${os.cpus().length} cpus`,
);
for (const [name, value, target] of rows) console.log(`${name.padEnd(w)}  ${value.padStart(15)}  ${target}`);
for (const t of targets)
  console.log(`${t.pass === null ? 'n/a ' : t.pass ? 'PASS' : 'FAIL'}  ${t.name}: ${f(t.value, 3)}`);
const failures = [
  routerExit && 'router bench failed',
  generatorExit && 'generator bench failed',
  defaults?.failed && `default run failed: ${defaults.failed}`,
].filter(Boolean);
for (const failure of failures) console.log(`FAILED: ${failure}`);
const summary = {
  generatedAt: new Date().toISOString(),
  mode: smoke ? 'smoke' : 'full',
  machine: { node: process.version, cpus: os.cpus().length, loadavg: os.loadavg() },
  files: { router: routerFile, generator: generatorFile },
  router: router && { throughput: router.throughput, added: router.added, saturation: router.saturation },
  generator: generator && {
    rows: generator.rows,
    maxSustainedRate: generator.maxSustainedRate,
    saturation: generator.saturation,
    ratios: generator.ratios,
  },
  defaultRun: defaults,
  targets,
  failures,
};
await writeFile(resolve(outDir, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
console.log(`wrote ${resolve(outDir, 'summary.json')}`);
process.exit(failures.length ? 1 : 0);
