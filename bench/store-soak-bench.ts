// Soak benchmark of the judge service's shared store: N instances on one SQLite file, open-model traffic, each
// instance's worst event-loop delay (judge_event_loop_delay_max_seconds); fails when one stalls past the limit.
// Run: npx tsc -p tsconfig.json && node dist/bench/store-soak-bench.js [--duration-s 600] [--rate 40]
//   [--instances 4] [--workers 1] [--seed-rows 53000] [--max-stall-ms 250] [--out reports/bench/store-soak.json]
//   [--main other-build/dist/fixtures/judge-service/src/main.js] (another build's service, to compare with)
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ExitCode } from '../sim/util/errors.js';
import { DEFAULT_SOAK, runSoak } from './store-soak.js';

const { values } = parseArgs({
  options: {
    'duration-s': { type: 'string' },
    rate: { type: 'string' },
    instances: { type: 'string' },
    workers: { type: 'string' },
    'seed-rows': { type: 'string' },
    'max-stall-ms': { type: 'string' },
    out: { type: 'string', default: 'reports/bench/store-soak.json' },
    main: { type: 'string' },
  },
});
const num = (name: keyof typeof values, fallback: number) => {
  const raw = values[name];
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) {
    console.error(`--${name} must be a positive number, got ${raw}`);
    process.exit(ExitCode.invalidScenario);
  }
  return n;
};
const options = {
  durationMs: num('duration-s', DEFAULT_SOAK.durationMs / 1000) * 1000,
  rate: num('rate', DEFAULT_SOAK.rate),
  instances: num('instances', DEFAULT_SOAK.instances),
  workers: num('workers', DEFAULT_SOAK.workers),
  seedRows: num('seed-rows', DEFAULT_SOAK.seedRows),
  maxStallMs: num('max-stall-ms', DEFAULT_SOAK.maxStallMs),
  main: resolve(values.main ?? DEFAULT_SOAK.main),
};
console.log(
  `store soak: ${options.instances} instances, ${options.rate} req/s for ${options.durationMs / 1000} s, ` +
    `${options.seedRows} seeded rows (load ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')})`,
);
const report = await runSoak(options);
const out = resolve(values.out ?? '');
mkdirSync(dirname(out), { recursive: true });
writeFileSync(
  out,
  `${JSON.stringify({ generatedAt: new Date().toISOString(), loadavg: loadavg(), ...report }, null, 2)}\n`,
);
const f = (n: number) => n.toFixed(1);
console.log(
  `requests ${report.requests.sent}, by status ${JSON.stringify(report.requests.byStatus)}, transport errors ${report.requests.transportErrors}`,
);
console.log(
  `client latency ms p50 ${f(report.latencyMs.p50)} p99 ${f(report.latencyMs.p99)} max ${f(report.latencyMs.max)}, ` +
    `${report.latencyMs.overStallLimit} over ${options.maxStallMs} ms`,
);
for (const e of report.eventLoop)
  console.log(
    `${e.instance}: event loop delay max ${f(e.maxMs)} ms since start, ` +
      `${e.stalledSeconds} s stalled over ${options.maxStallMs} ms under traffic`,
  );
console.log(
  `stalled seconds under traffic ${report.stalledSeconds}, ${report.unexplainedStalledSeconds} of them not in ` +
    `windows where this process stalled too; ` +
    `this process's own worst loop delay ${f(report.controlMaxMs)} ms (machine starvation)`,
);
console.log(
  `store write tries under traffic ${report.storeWrites.total}, ${report.storeWrites.overLimit} of them over ${options.maxStallMs} ms`,
);
console.log(
  `judged ${report.judged}, undrained ${report.undrained}, store complaints in logs ${report.storeComplaints.length}`,
);
for (const failure of report.failures) console.log(`FAIL: ${failure}`);
console.log(`${report.failures.length === 0 ? 'PASS' : 'FAIL'} — wrote ${out}`);
process.exit(report.failures.length === 0 ? 0 : 1);
