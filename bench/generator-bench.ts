import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ExitCode } from '../sim/util/errors.js';
import type { GeneratorRun } from './generator-child.js';
import { heyRun, type ToolRun, wrkRun } from './load-tools.js';
import { median } from './measure.js';
import { firstJsonLine, hasCommand, Processes } from './procs.js';

// `node dist/bench/generator-bench.js [--smoke] [--out FILE]`: OUR traffic generator (sim/traffic/generator.ts, in a
// child process so its CPU time is its own) at rising open-model rates against a trivial upstream, beside hey
// (rate-limited, same rate) and wrk/hey at saturation, aimed at the same upstream in the same run.

const here = dirname(fileURLToPath(import.meta.url));

/** One rate of the ladder: the generator's median over rounds, and hey rate-limited at the same rate. */
export interface RateRow {
  rate: number;
  generator: GeneratorRun;
  /** achieved / target of the median round. */
  achievedRatio: number;
  /** CPU share of one core per 1,000 req/s (1 = a whole core). */
  cpuPer1k: number;
  hey: (ToolRun & { cpuPer1k: number }) | null;
}

/** Everything the generator bench measured. */
export interface GeneratorBenchReport {
  generatedAt: string;
  mode: 'smoke' | 'full';
  machine: { node: string; cpus: number; loadavg: number[] };
  config: { rates: number[]; seconds: number; rounds: number; connections: number; sustainRatio: number };
  rows: RateRow[];
  /** Highest rate of the ladder with achieved/target >= sustainRatio (null when none). */
  maxSustainedRate: number | null;
  saturation: {
    wrk: (ToolRun & { cpuUsPerRequest: number }) | null;
    hey: (ToolRun & { cpuUsPerRequest: number }) | null;
  };
  ratios: {
    sustainedVsWrkMax: number | null;
    sustainedVsHeyMax: number | null;
    cpuVsHeyAt: Record<string, number | null>;
  };
  targets: { name: string; value: number | null; limit: number; pass: boolean | null }[];
}

function runChild(url: string, rate: number, seconds: number): Promise<GeneratorRun> {
  const args = [resolve(here, 'generator-child.js'), url, String(rate), String(seconds)];
  return new Promise((res, rej) => {
    execFile(
      process.execPath,
      args,
      { timeout: (seconds + 60) * 1000, maxBuffer: 1 << 20 },
      (err, stdout, stderr) => {
        if (err)
          return rej(
            new Error(`generator child at ${rate} req/s failed: ${stderr || err.message}`, { cause: err }),
          );
        res(JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as GeneratorRun);
      },
    );
  });
}

/** Runs the ladder and the references; `procs` owns the upstream. */
export async function generatorBench(smoke: boolean, procs: Processes): Promise<GeneratorBenchReport> {
  const config = smoke
    ? { rates: [100, 200], seconds: 1, rounds: 1, connections: 8, sustainRatio: 0.99 }
    : { rates: [500, 1000, 2000, 4000, 8000], seconds: 3, rounds: 3, connections: 32, sustainRatio: 0.99 };
  const tools = { wrk: hasCommand('wrk', ['--version']), hey: hasCommand('hey', ['-n', '0']) };
  const upstream = procs.start(process.execPath, [resolve(here, 'upstream-server.js'), '1']);
  const port = ((await firstJsonLine(upstream, 'upstream server')).ports as number[])[0];
  const url = `http://127.0.0.1:${port}/bench`;
  await runChild(url, config.rates[0]!, 1); // warm the upstream and the disk cache
  const rows: RateRow[] = [];
  for (const rate of config.rates) {
    const runs: GeneratorRun[] = [];
    const heys: ToolRun[] = [];
    for (let round = 0; round < config.rounds; round++) {
      runs.push(await runChild(url, rate, config.seconds));
      if (tools.hey) heys.push(await heyRun(url, config.seconds, config.connections, rate));
    }
    const ratio = (r: GeneratorRun) => r.achievedRps / r.targetRps;
    const mid = [...runs].sort((a, b) => ratio(a) - ratio(b))[Math.floor(runs.length / 2)]!;
    const cpuPer1k = median(runs.map((r) => r.cpuSeconds / r.seconds / (rate / 1000)));
    const hey = heys.length
      ? (() => {
          const h = [...heys].sort((a, b) => a.rps - b.rps)[Math.floor(heys.length / 2)]!;
          return { ...h, cpuPer1k: median(heys.map((x) => x.cpuSeconds / config.seconds / (rate / 1000))) };
        })()
      : null;
    rows.push({ rate, generator: mid, achievedRatio: ratio(mid), cpuPer1k, hey });
    // Every rate up to the 2,000 req/s target is measured; above it the ladder stops at the first rate not kept.
    if (ratio(mid) < config.sustainRatio && rate >= 2000) break;
  }
  const perRequest = (r: ToolRun) => ({
    ...r,
    cpuUsPerRequest: (r.cpuSeconds / (r.rps * config.seconds)) * 1e6,
  });
  const saturation = {
    wrk: tools.wrk ? perRequest(await wrkRun(url, config.seconds, config.connections)) : null,
    hey: tools.hey ? perRequest(await heyRun(url, config.seconds, config.connections)) : null,
  };
  const sustained = rows.filter((r) => r.achievedRatio >= config.sustainRatio).map((r) => r.rate);
  const maxSustainedRate = sustained.length ? Math.max(...sustained) : null;
  const div = (a: number | null | undefined, b: number | null | undefined) =>
    a == null || b == null || b === 0 ? null : a / b;
  const at2000 = rows.find((r) => r.rate === 2000);
  const targets = [
    {
      name: 'generator achieved/target at 2000 req/s >= 0.99',
      value: at2000?.achievedRatio ?? null,
      limit: 0.99,
      pass: at2000 ? at2000.achievedRatio >= 0.99 : null,
    },
  ];
  return {
    generatedAt: new Date().toISOString(),
    mode: smoke ? 'smoke' : 'full',
    machine: { node: process.version, cpus: os.cpus().length, loadavg: os.loadavg() },
    config,
    rows,
    maxSustainedRate,
    saturation,
    ratios: {
      sustainedVsWrkMax: div(maxSustainedRate, saturation.wrk?.rps),
      sustainedVsHeyMax: div(maxSustainedRate, saturation.hey?.rps),
      cpuVsHeyAt: Object.fromEntries(rows.map((r) => [String(r.rate), div(r.cpuPer1k, r.hey?.cpuPer1k)])),
    },
    targets,
  };
}

/** The generator table, one line at a time. */
export function printGeneratorReport(r: GeneratorBenchReport, print: (line: string) => void): void {
  const f = (n: number | null | undefined, d = 2) => (n == null ? '-' : n.toFixed(d));
  const row = (cells: string[]) => cells.map((c, i) => c.padStart(i === 0 ? 6 : 9)).join(' ');
  print(
    `Traffic generator (${r.mode}): open model, Poisson arrivals, ${r.config.seconds}s per rate, median of ${r.config.rounds}`,
  );
  print(
    row([
      'rate',
      'achieved',
      'ach/tgt',
      'lag p50',
      'lag p99',
      'lag max',
      'not sent',
      'lat p50',
      'cpu/1k',
      'hey rps',
      'hey cpu',
      'cpu/hey',
    ]),
  );
  for (const x of r.rows) {
    const g = x.generator;
    print(
      row([
        String(x.rate),
        f(g.achievedRps, 0),
        f(x.achievedRatio, 3),
        f(g.lagP50Ms, 2),
        f(g.lagP99Ms, 2),
        f(g.lagMaxMs, 1),
        String(g.notSent),
        f(g.latencyP50Ms, 2),
        f(x.cpuPer1k, 3),
        f(x.hey?.rps, 0),
        f(x.hey?.cpuPer1k, 3),
        f(r.ratios.cpuVsHeyAt[String(x.rate)]),
      ]),
    );
  }
  print(
    'lag/lat in ms from the intended send time; cpu/1k = CPU share of one core per 1,000 req/s (hey: -q rate/c, same -c)',
  );
  const s = r.saturation;
  print(
    `Saturation (closed loop, -c${r.config.connections}): wrk ${f(s.wrk?.rps, 0)} req/s (${f(s.wrk?.cpuUsPerRequest, 1)} cpu us/req), hey ${f(s.hey?.rps, 0)} req/s (${f(s.hey?.cpuUsPerRequest, 1)} cpu us/req)`,
  );
  print(
    `Highest sustained open-model rate (achieved/target >= ${r.config.sustainRatio}): ${r.maxSustainedRate ?? 'none'} req/s; vs wrk max ${f(r.ratios.sustainedVsWrkMax)}, vs hey max ${f(r.ratios.sustainedVsHeyMax)}`,
  );
  for (const t of r.targets)
    print(`${t.pass === null ? 'n/a ' : t.pass ? 'PASS' : 'FAIL'}  ${t.name}: ${f(t.value, 3)}`);
}

if (process.argv[1]?.endsWith('generator-bench.js')) {
  const argv = process.argv.slice(2);
  const outFile = resolve(
    argv[argv.indexOf('--out') + 1] && argv.includes('--out')
      ? argv[argv.indexOf('--out') + 1]!
      : 'reports/bench/generator.json',
  );
  const procs = new Processes();
  for (const signal of ['SIGINT', 'SIGTERM'] as const)
    process.on(signal, () => void procs.stopAll().finally(() => process.exit(ExitCode.interrupted)));
  try {
    const report = await generatorBench(argv.includes('--smoke'), procs);
    await procs.stopAll();
    printGeneratorReport(report, (l) => console.log(l));
    await mkdir(dirname(outFile), { recursive: true });
    await writeFile(outFile, `${JSON.stringify(report, null, 2)}\n`);
    console.log(`wrote ${outFile}`);
  } catch (err) {
    await procs.stopAll();
    console.error(`generator bench failed: ${(err as Error).message}`);
    process.exit(ExitCode.rehearsalFailed);
  }
}
