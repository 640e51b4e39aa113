import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RouterClient } from '../sim/router/client.js';
import { startNginx } from './nginx.js';
import { type OpenLoopResult, openLoop } from './open-loop.js';
import { firstJsonLine, hasCommand, Processes, runWrk } from './procs.js';
import { type BenchReport, printReport } from './report.js';

// `npm run bench` = `node dist/bench/router-bench.js [--smoke] [--out FILE] [--nginx-workers N|auto]`.
// Every figure is a ratio against a reference measured in the same run (the upstream reached directly, and nginx).

const argv = process.argv.slice(2);
const flag = (name: string): string | undefined => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
};
const smoke = argv.includes('--smoke');
const outFile = resolve(flag('--out') ?? 'reports/bench/router.json');
const workersFlag = flag('--nginx-workers') ?? '1';
const nginxWorkers = workersFlag === 'auto' ? 'auto' : Number(workersFlag);
// Targets alternate within each round so that drifting load on a shared machine hits all of them alike;
// each figure is the median over rounds.
const config = smoke
  ? {
      rounds: 1,
      saturationSeconds: 1,
      wrkConnections: 8,
      rates: [50, 100],
      openSeconds: 1,
      warmupSeconds: 0.3,
    }
  : {
      rounds: 3,
      saturationSeconds: 2,
      wrkConnections: 32,
      rates: [500, 1000, 2000],
      openSeconds: 2,
      warmupSeconds: 0.5,
    };
const latencyRate = smoke ? 100 : 1000;
const WEIGHTS = [90, 10];
const here = dirname(fileURLToPath(import.meta.url));
const TOKEN = 'bench-token';

const procs = new Processes();
let interrupted = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    interrupted = true;
    procs.stopAll().finally(() => process.exit(4));
  });
}

async function main(): Promise<BenchReport> {
  const tools = { wrk: hasCommand('wrk', ['--version']), nginx: hasCommand('nginx', ['-v']) };
  const upstream = procs.start(process.execPath, [
    resolve(here, 'upstream-server.js'),
    String(WEIGHTS.length),
  ]);
  const ports = (await firstJsonLine(upstream, 'upstream server')).ports as number[];
  const router = procs.start(process.execPath, [
    resolve(here, '../sim/router/main.js'),
    ...['--port', '0', '--admin-port', '0', '--admin-token', TOKEN, '--exit-on-stdin-close'],
  ]);
  const listening = await firstJsonLine(router, 'router');
  const client = new RouterClient(`http://127.0.0.1:${listening.adminPort}`, TOKEN);
  const versions = WEIGHTS.map((_, i) => `v${i + 1}`);
  await client.putRoutes({
    pools: Object.fromEntries(
      versions.map((v, i) => [v, [{ id: `${v}-0`, url: `http://127.0.0.1:${ports[i]}` }]]),
    ),
    weights: Object.fromEntries(versions.map((v, i) => [v, WEIGHTS[i]!])),
    rules: [],
    sticky: false,
    mirror: null,
    faults: {},
  });
  const targets: Record<string, string> = {
    direct: `http://127.0.0.1:${ports[0]}/bench`,
    router: `http://127.0.0.1:${listening.port}/bench`,
  };
  const nginx = tools.nginx
    ? await startNginx(
        procs,
        WEIGHTS.map((weight, i) => ({ port: ports[i]!, weight })),
        nginxWorkers,
      )
    : undefined;
  if (nginx !== undefined) targets.nginx = `http://127.0.0.1:${nginx}/bench`;
  {
    const saturation: Record<string, { rps: number; errors: number; rounds: number[] }> = {};
    if (tools.wrk) {
      if (!smoke) for (const url of Object.values(targets)) await runWrk(url, 1, config.wrkConnections);
      const runs: Record<string, { rps: number; errors: number }[]> = {};
      for (let round = 0; round < config.rounds; round++) {
        for (const [name, url] of Object.entries(targets)) {
          (runs[name] ??= []).push(await runWrk(url, config.saturationSeconds, config.wrkConnections));
        }
      }
      for (const [name, list] of Object.entries(runs)) {
        const rounds = list.map((r) => r.rps);
        saturation[name] = { rps: median(rounds), errors: list.reduce((n, r) => n + r.errors, 0), rounds };
      }
    }
    const latency: { rate: number; results: Record<string, OpenLoopResult> }[] = [];
    for (const rate of config.rates) {
      const runs: Record<string, OpenLoopResult[]> = {};
      for (const [name, url] of Object.entries(targets)) {
        await openLoop({ url, rate, durationMs: config.warmupSeconds * 1000, idPrefix: `warm-${name}` });
      }
      for (let round = 0; round < config.rounds; round++) {
        for (const [name, url] of Object.entries(targets)) {
          if (interrupted) throw new Error('interrupted');
          const durationMs = config.openSeconds * 1000;
          (runs[name] ??= []).push(
            await openLoop({ url, rate, durationMs, idPrefix: `${name}-${rate}-${round}` }),
          );
        }
      }
      latency.push({
        rate,
        results: Object.fromEntries(Object.entries(runs).map(([n, list]) => [n, medianResult(list)])),
      });
    }
    const routerMetrics = await client.metricsText();
    const routerErrors = [
      ...routerMetrics.matchAll(/^rehearsal_router_requests_total\{.*code="(?!2)\d+".*\} (\d+)$/gm),
    ].reduce((sum, m) => sum + Number(m[1]), 0);
    return {
      generatedAt: new Date().toISOString(),
      mode: smoke ? 'smoke' : 'full',
      machine: { node: process.version, cpus: os.cpus().length, loadavg: os.loadavg() },
      config: { ...config, latencyRate, weights: WEIGHTS, nginxWorkers, tools },
      saturation,
      latency,
      routerNon2xx: routerErrors,
    };
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Per-statistic median over rounds; counts are summed. */
function medianResult(list: OpenLoopResult[]): OpenLoopResult {
  const pick = (key: keyof OpenLoopResult): number => median(list.map((r) => r[key]));
  const sum = (key: keyof OpenLoopResult): number => list.reduce((n, r) => n + r[key], 0);
  return {
    sent: sum('sent'),
    ok: sum('ok'),
    errors: sum('errors'),
    achievedRps: pick('achievedRps'),
    p50Ms: pick('p50Ms'),
    p99Ms: pick('p99Ms'),
    maxMs: Math.max(...list.map((r) => r.maxMs)),
    serviceP50Ms: pick('serviceP50Ms'),
    lagP50Ms: pick('lagP50Ms'),
  };
}

try {
  const report = await main();
  await procs.stopAll();
  const full = printReport(report, (line) => console.log(line));
  await mkdir(dirname(outFile), { recursive: true });
  await writeFile(outFile, `${JSON.stringify(full, null, 2)}\n`);
  console.log(`wrote ${outFile}`);
} catch (err) {
  await procs.stopAll();
  console.error(`router bench failed: ${(err as Error).message}`);
  process.exit(1);
}
