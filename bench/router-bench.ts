import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RouterClient } from '../sim/router-client/client.js';
import { ExitCode } from '../sim/util/errors.js';
import { measureRate, measureSaturation, type RateResult, type Target } from './measure.js';
import { startNginx } from './nginx.js';
import { firstJsonLine, hasCommand, Processes } from './procs.js';
import { type BenchReport, printReport } from './report.js';

// `node dist/bench/router-bench.js [--smoke] [--out FILE] [--nginx-workers N|auto]`; part of `npm run bench` (bench/index.ts).
// Every figure is a ratio against a reference measured in the same run: the upstream reached directly, and nginx
// proxying the same upstreams with the same weights. Each figure is the median over alternating rounds.

const argv = process.argv.slice(2);
const flag = (name: string): string | undefined => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
};
const smoke = argv.includes('--smoke');
const outFile = resolve(flag('--out') ?? 'reports/bench/router.json');
const workersFlag = flag('--nginx-workers') ?? '1';
const nginxWorkers = workersFlag === 'auto' ? 'auto' : Number(workersFlag);
const config = smoke
  ? {
      rounds: 1,
      saturationSeconds: 1,
      wrkConnections: 8,
      rates: [50, 100],
      openSeconds: 0.5,
      warmupSeconds: 0.1,
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
const TOKEN = 'bench-token';
const here = dirname(fileURLToPath(import.meta.url));

const procs = new Processes();
let interrupted = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    interrupted = true;
    procs.stopAll().finally(() => process.exit(ExitCode.interrupted));
  });
}

/** Starts the upstreams, the router (configured with the weights) and nginx; returns the targets. */
async function startTargets(tools: {
  nginx: boolean;
}): Promise<{ targets: Record<string, Target>; client: RouterClient }> {
  const upstream = procs.start(process.execPath, [
    resolve(here, 'upstream-server.js'),
    String(WEIGHTS.length),
  ]);
  const ports = (await firstJsonLine(upstream, 'upstream server')).ports as number[];
  const routerArgs = ['--port', '0', '--admin-port', '0', '--exit-on-stdin-close'];
  const router = procs.start(process.execPath, [resolve(here, '../sim/router/main.js'), ...routerArgs], {
    ...process.env,
    REHEARSAL_ROUTER_TOKEN: TOKEN,
  });
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
  const targets: Record<string, Target> = {
    direct: { url: `http://127.0.0.1:${ports[0]}/bench`, pid: upstream.pid ?? 0 },
    router: { url: `http://127.0.0.1:${listening.port}/bench`, pid: router.pid ?? 0 },
  };
  if (tools.nginx) {
    const upstreams = WEIGHTS.map((weight, i) => ({ port: ports[i]!, weight }));
    const nginx = await startNginx(procs, upstreams, nginxWorkers);
    targets.nginx = { url: `http://127.0.0.1:${nginx.port}/bench`, pid: nginx.pid };
  }
  return { targets, client };
}

async function main(): Promise<BenchReport> {
  const tools = { wrk: hasCommand('wrk', ['--version']), nginx: hasCommand('nginx', ['-v']) };
  const { targets, client } = await startTargets(tools);
  const saturation = tools.wrk
    ? await measureSaturation(targets, {
        rounds: config.rounds,
        seconds: config.saturationSeconds,
        connections: config.wrkConnections,
        warmup: !smoke,
      })
    : {};
  const latency: RateResult[] = [];
  for (const rate of config.rates) {
    const options = {
      rounds: config.rounds,
      seconds: config.openSeconds,
      warmupSeconds: config.warmupSeconds,
    };
    latency.push(await measureRate(targets, rate, { ...options, stop: () => interrupted }));
  }
  const metrics = await client.metricsText();
  const non2xx = [...metrics.matchAll(/^rehearsal_router_requests_total\{.*code="(?!2)[^"]*".*\} (\d+)$/gm)];
  return {
    generatedAt: new Date().toISOString(),
    mode: smoke ? 'smoke' : 'full',
    machine: { node: process.version, cpus: os.cpus().length, loadavg: os.loadavg() },
    config: { ...config, latencyRate, weights: WEIGHTS, nginxWorkers, tools },
    saturation,
    latency,
    routerNon2xx: non2xx.reduce((sum, m) => sum + Number(m[1]), 0),
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
  process.exit(ExitCode.rehearsalFailed);
}
