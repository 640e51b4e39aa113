/**
 * Speed of `rehearse simulate`: 1,000 rehearsals of a 30-minute 5% canary at 200 req/s must take at
 * most 60 s. Prints rehearsals/s, simulated req/s, and the ratio to that target; the reference is the
 * bare traffic model (no controller, monitoring or verdict) over the same minutes, measured in the same run.
 * Usage: node dist/bench/simulate-bench.js [runs=1000] [policy=ours]
 */
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { parseScenario } from '../sim/scenario/load.js';
import { resolveModel } from '../sim/simulate/model.js';
import { resolvePolicies } from '../sim/simulate/policies.js';
import { simulateScenario } from '../sim/simulate/simulate-scenario.js';
import { defaultStepMs } from '../sim/simulate/simulated-rig.js';
import { SimulatedService } from '../sim/simulate/simulated-service.js';
import { seconds } from '../sim/util/format.js';
import { packageRoot } from '../sim/util/paths.js';
import { Random } from '../sim/util/random.js';

const runs = Number(process.argv[2] ?? 1000);
const [policy] = resolvePolicies([process.argv[3] ?? 'ours']);
const file = join(packageRoot, 'bench/scenarios/canary-30m-healthy.yaml');
const { scenario, problems } = parseScenario(readFileSync(file, 'utf8'), file);
if (!scenario) throw new Error(problems.join('\n'));
const { model, file: modelFile } = resolveModel();
const TARGET_MS = 60_000 * (runs / 1000);

// Reference: the traffic model alone, same minutes, same step.
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

let requests = 0;
const outcomes: Record<string, number> = {};
const cpu0 = process.cpuUsage();
const start = performance.now();
for (let i = 0; i < runs; i++) {
  const run = await simulateScenario(scenario, model, { seed: scenario.seed + i, policy });
  requests += run.requests;
  outcomes[run.controller.outcome] = (outcomes[run.controller.outcome] ?? 0) + 1;
}
const ms = performance.now() - start;
const cpu = process.cpuUsage(cpu0);
const cpuMs = (cpu.user + cpu.system) / 1000;

const perRun = ms / runs;
const refPerRun = refMs / refRuns;
console.log(
  `simulate bench: ${scenario.name} (${scenario.traffic.duration / 60000} min, ${scenario.traffic.profile.type === 'constant' ? scenario.traffic.profile.rate : '?'} req/s), policy ${policy}, model ${modelFile ? 'calibrated' : 'hand-written'}`,
);
console.log(
  `rehearsals:        ${runs} in ${seconds(ms, 2)} s = ${(runs / (ms / 1000)).toFixed(1)} rehearsals/s (${perRun.toFixed(1)} ms each, ${(cpuMs / runs).toFixed(1)} ms CPU: the machine is shared); outcomes ${JSON.stringify(outcomes)}`,
);
console.log(
  `simulated traffic: ${requests.toLocaleString('en')} requests = ${Math.round(requests / (ms / 1000)).toLocaleString('en')} simulated req/s`,
);
console.log(
  `reference (model only): ${refPerRun.toFixed(1)} ms per 31-minute run, ${Math.round(refRequests / (refMs / 1000)).toLocaleString('en')} req/s; harness overhead ${(perRun / refPerRun).toFixed(2)}x the bare model`,
);
console.log(
  `step ${defaultStepMs(scenario)} ms (the scrape interval): traffic is aggregated per step, not per request`,
);
const load = loadavg()[0]!;
console.log(`target: ${runs} rehearsals within ${seconds(TARGET_MS, 0)} s on this machine (2 cores)`);
console.log(
  `  wall clock: ${(ms / TARGET_MS).toFixed(3)} of the target (${(TARGET_MS / ms).toFixed(2)}x) — ${ms <= TARGET_MS ? 'PASS' : 'FAIL'} at load average ${load.toFixed(1)}`,
);
console.log(
  `  CPU time:   ${(cpuMs / TARGET_MS).toFixed(3)} of the target (${(TARGET_MS / cpuMs).toFixed(2)}x) — ${cpuMs <= TARGET_MS ? 'PASS' : 'FAIL'} (what an idle machine would take, single-threaded)`,
);
