/**
 * Speed of `rehearse simulate`: 1,000 rehearsals of a 30-minute 5% canary at 200 req/s, target at most 6 s on this
 * 2-core machine. Measured in the same run: the engine on one thread (`simulateMany` with `threads: 1`, the
 * reference) and spread over every core (the default), with wall and CPU time, the ratio, whether the two
 * gave the same results, and the load average (the machine is shared: CPU time says what an idle one would take);
 * and the bare traffic model (no controller, monitoring or verdict) over the same minutes. With `--against DIR` (another
 * build's dist, e.g. a copy of the previous build with its package.json, fixtures and node_modules beside it), that
 * engine is timed too, on the same seeds and threads, and the ratio and whether the results are identical printed.
 * Usage: node dist/bench/simulate-bench.js [runs=1000] [policy=ours] [threads=cores] [--against DIR]
 */
import { readFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseScenario } from '../sim/scenario/load.js';
import { resolveModel } from '../sim/simulate/model.js';
import { endSimulationWorkers } from '../sim/simulate/monte-carlo.js';
import { resolvePolicies } from '../sim/simulate/policies.js';
import { defaultStepMs } from '../sim/simulate/simulated-rig.js';
import { SimulatedService } from '../sim/simulate/simulated-service.js';
import { RehearsalError } from '../sim/util/errors.js';
import { seconds } from '../sim/util/format.js';
import { packageRoot } from '../sim/util/paths.js';
import { Random } from '../sim/util/random.js';
import type { ScenarioSimulation } from '../sim/vocabulary/simulation-report.js';
import { engineAt, type SimulationEngine, thisEngine } from './simulate-engine.js';

const args = process.argv.slice(2);
const againstAt = args.indexOf('--against');
const againstDir = againstAt >= 0 ? args.splice(againstAt, 2)[1] : undefined;
if (againstAt >= 0 && !againstDir)
  throw new Error(
    "simulate-bench: --against wants a directory (another build's dist), e.g. --against ../previous-checkout/dist",
  );
const USAGE =
  'usage: node dist/bench/simulate-bench.js [runs=1000] [policy=ours] [threads=cores] [--against DIR]';
if (args.includes('--help') || args.includes('-h')) {
  console.log(USAGE);
  process.exit(0);
}
/** A whole number ≥ 1 from argument `index` (named `what`), or its default; anything else is a usage error. */
function count(index: number, what: string, fallback: number): number {
  const raw = args[index];
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) {
    console.error(
      `simulate-bench: ${what} (argument ${index + 1}) must be a whole number of at least 1, got "${raw}"\n${USAGE}`,
    );
    process.exit(2);
  }
  return n;
}
const runs = count(0, 'runs', 1000);
const policy = (() => {
  try {
    return resolvePolicies([args[1] ?? 'ours'])[0]!;
  } catch (e) {
    if (!(e instanceof RehearsalError)) throw e;
    console.error(`simulate-bench: ${e.message} (argument 2); ${e.hint}\n${USAGE}`);
    process.exit(2);
  }
})();
const threads = count(2, 'threads', availableParallelism());
const against = againstDir ? await engineAt(againstDir) : undefined;
const file = join(packageRoot, 'bench/scenarios/canary-30m-healthy.yaml');
const { scenario, problems } = parseScenario(readFileSync(file, 'utf8'), file);
if (!scenario) throw new Error(problems.join('\n'));
const { model, file: modelFile } = resolveModel();
const TARGET_MS = 6_000 * (runs / 1000);

// The traffic model alone, same minutes, same step.
const refRuns = Math.max(10, Math.round(runs / 20));
let refRequests = 0;
const refStart = performance.now();
for (let i = 0; i < refRuns; i++) {
  const service = new SimulatedService(model, scenario.traffic, new Random(i), defaultStepMs(scenario));
  service.setInstances('v1', 2);
  service.setInstances('v2', 2);
  service.setRoute({ v1: 95, v2: 5 }, { v1: 2, v2: 2 });
  service.advanceTo(scenario.traffic.duration);
  refRequests += service.sent;
}
const refMs = performance.now() - refStart;

interface Timed {
  sim: ScenarioSimulation;
  requests: number;
  ms: number;
  cpuMs: number;
  load: number;
}

async function timed(threadCount: number, engine: SimulationEngine = thisEngine): Promise<Timed> {
  let requests = 0;
  const cpu0 = process.cpuUsage();
  const start = performance.now();
  const sim = await engine.simulateMany(scenario!, model, {
    runs,
    seed: scenario!.seed,
    policies: [policy!],
    threads: threadCount,
    onRun: (_p, r) => (requests += r.requests),
  });
  const ms = performance.now() - start;
  const cpu = process.cpuUsage(cpu0); // every thread of the process
  return { sim, requests, ms, cpuMs: (cpu.user + cpu.system) / 1000, load: loadavg()[0]! };
}

// The reference build first, so that this build's workers are not warm when it starts.
const ref = against ? await timed(threads, against) : undefined;
await against?.endSimulationWorkers();
const one = await timed(1);
const many = await timed(threads);
await endSimulationWorkers();

const outcomes = many.sim.policies[0]!.outcomes;
console.log(
  `simulate bench: ${scenario.name} (${scenario.traffic.duration / 60000} min, ${scenario.traffic.profile.type === 'constant' ? scenario.traffic.profile.rate : '?'} req/s), policy ${policy}, model ${modelFile ? 'calibrated' : 'hand-written'}`,
);
const line = (what: string, t: Timed) =>
  console.log(
    `${what} ${runs} in ${seconds(t.ms, 2)} s wall = ${(runs / (t.ms / 1000)).toFixed(1)} rehearsals/s (${(t.ms / runs).toFixed(1)} ms each), CPU ${seconds(t.cpuMs, 2)} s (${(t.cpuMs / runs).toFixed(1)} ms each), load average ${t.load.toFixed(1)}; ${Math.round(t.requests / (t.ms / 1000)).toLocaleString('en')} simulated req/s`,
  );
line('reference, 1 thread: ', one);
line(`${String(threads).padEnd(2)} threads:          `, many);
const same = JSON.stringify(one.sim) === JSON.stringify(many.sim);
console.log(
  `speed-up: ${(one.ms / many.ms).toFixed(2)}x wall, CPU ${(many.cpuMs / one.cpuMs).toFixed(2)}x the reference's; results ${same ? 'identical' : 'DIFFERENT'} (outcomes ${JSON.stringify(outcomes)})`,
);
let differs = !same;
if (ref && against) {
  line(`against ${threads} threads:    `, ref);
  const refSame = JSON.stringify(ref.sim) === JSON.stringify(many.sim);
  differs ||= !refSame;
  console.log(
    `against ${against.from}: speed-up ${(ref.ms / many.ms).toFixed(2)}x wall, ${(ref.cpuMs / many.cpuMs).toFixed(2)}x CPU (${threads} threads each); results ${refSame ? 'identical' : 'DIFFERENT'}`,
  );
}
const perRun = one.ms / runs;
const refPerRun = refMs / refRuns;
console.log(
  `model only: ${refPerRun.toFixed(1)} ms per 31-minute run, ${Math.round(refRequests / (refMs / 1000)).toLocaleString('en')} req/s; one-thread harness ${(perRun / refPerRun).toFixed(2)}x the bare model`,
);
console.log(
  `step ${defaultStepMs(scenario)} ms (the scrape interval): traffic is aggregated per step, not per request`,
);
console.log(`target: ${runs} rehearsals within ${seconds(TARGET_MS, 1)} s on this machine (2 cores)`);
console.log(
  `  wall clock, ${threads} threads: ${(many.ms / TARGET_MS).toFixed(2)} of the target — ${many.ms <= TARGET_MS ? 'PASS' : 'FAIL'} at load average ${many.load.toFixed(1)}`,
);
console.log(
  `  CPU time / cores:   ${(many.cpuMs / threads / TARGET_MS).toFixed(2)} of the target — ${many.cpuMs / threads <= TARGET_MS ? 'PASS' : 'FAIL'} (what an idle machine would take)`,
);
if (differs) process.exitCode = 1;
