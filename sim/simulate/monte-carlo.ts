import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { Scenario } from '../scenario/schema.js';
import { paths } from '../util/paths.js';
import type { PolicyResult, ScenarioSimulation } from '../vocabulary/simulation-report.js';
import type { ServiceModel } from './model.js';
import type { PolicyName } from './policies.js';
import { policies } from './policies.js';
import { type RunRecords, recordOf } from './run-record.js';
import { type SimulatedRun, simulateScenario } from './simulate-scenario.js';
import type { SimulateAnswer, SimulateSetup, SimulateTask } from './simulate-worker.js';
import { distribution, proportion } from './stats.js';

/** Options of {@link simulateMany}. */
export interface SimulateManyOptions {
  runs: number;
  seed: number;
  policies: PolicyName[];
  stepMs?: number;
  /** Called once per run, in run order (policy by policy, run 0 first), whichever thread rehearsed it. */
  onRun?: (policy: PolicyName, run: SimulatedRun) => void;
  /**
   * Worker threads to spread the runs over (default: the cores available); 1 rehearses them on this thread.
   * The results are the same whatever the number: run i has seed `seed + i` wherever it runs.
   */
  threads?: number;
  /** Stops the runs (and ends the workers) when aborted. */
  signal?: AbortSignal;
  /**
   * How much of each run `onRun` gets (default `outcomes`: no analysis measurements, which no summary reads and
   * which would be most of what a worker copies back); `full` for the whole record. The same on any thread count.
   */
  records?: RunRecords;
}

/** Fewer runs than this in all are rehearsed on this thread: starting a worker costs more than they take. */
const MIN_RUNS_PER_THREAD = 4;

/** Runs `runs` seeded rehearsals per policy; run i uses seed `seed + i` under every policy, so policies face the same draws. */
export async function simulateMany(
  scenario: Scenario,
  model: ServiceModel,
  opts: SimulateManyOptions,
): Promise<ScenarioSimulation> {
  const tasks = opts.policies.flatMap((policy) =>
    Array.from({ length: opts.runs }, (_, i) => ({ policy, seed: opts.seed + i })),
  );
  const wanted = opts.threads ?? availableParallelism();
  if (!Number.isInteger(wanted) || wanted < 1)
    throw new Error(`simulateMany: threads must be a whole number ≥ 1, got ${String(opts.threads)}`);
  const threads = Math.min(wanted, Math.floor(tasks.length / MIN_RUNS_PER_THREAD));
  const all =
    threads > 1
      ? await inWorkers(scenario, model, tasks, threads, opts)
      : await inProcess(scenario, model, tasks, opts);
  const results: PolicyResult[] = opts.policies.map((policy, p) =>
    summarise(scenario, policy, all.slice(p * opts.runs, (p + 1) * opts.runs)),
  );
  return {
    scenario: scenario.name,
    expected: scenario.expect.outcome,
    seeds: { first: opts.seed, count: opts.runs },
    policies: results,
  };
}

type Task = { policy: PolicyName; seed: number };

function interrupted(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : new Error('simulation interrupted');
}

async function inProcess(
  scenario: Scenario,
  model: ServiceModel,
  tasks: Task[],
  opts: SimulateManyOptions,
): Promise<SimulatedRun[]> {
  const runs: SimulatedRun[] = [];
  for (const { policy, seed } of tasks) {
    if (opts.signal?.aborted) throw interrupted(opts.signal);
    const records = opts.records ?? 'outcomes';
    const run = await simulateScenario(scenario, model, {
      seed,
      policy,
      records,
      ...(opts.stepMs ? { stepMs: opts.stepMs } : {}),
    });
    const record = recordOf(run, records);
    runs.push(record);
    opts.onRun?.(policy, record);
  }
  return runs;
}

/**
 * Idle worker threads, kept for the next call (loading the simulation's code costs a worker more than many runs
 * take). Idle workers are unref'd, so they never keep the process alive; {@link endSimulationWorkers} ends them.
 */
const idle: Worker[] = [];

/** Ends the idle worker threads of {@link simulateMany} (those at work end when their call ends). */
export async function endSimulationWorkers(): Promise<void> {
  await Promise.all(idle.splice(0).map((w) => w.terminate()));
}

/**
 * Each worker's young generation (V8's nursery), MB. A rehearsal allocates tens of MB of short-lived objects; with
 * Node's default (48 MB: 16 MB semi-spaces) their scavenges kept the GC helper threads busy about 2.9 ms of CPU per
 * run on two workers, with 96 MB about 1.1 ms, at no higher peak memory (measured: 360 MB for the process either way;
 * 192 MB gained no more and took 470 MB). GC changes no result.
 */
const WORKER_YOUNG_GENERATION_MB = 96;

function acquire(n: number): Worker[] {
  const got = idle.splice(0, n);
  while (got.length < n) {
    const w = new Worker(paths.simulateWorker, {
      resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB },
    });
    // A worker that ends while idle leaves the pool (one that ends at work fails its call). An error after its call
    // has settled (its failure is reported already) must not become an uncaught 'error' event.
    w.on('error', () => {});
    w.once('exit', () => {
      const at = idle.indexOf(w);
      if (at >= 0) idle.splice(at, 1);
    });
    got.push(w);
  }
  for (const w of got) w.ref();
  return got;
}

/**
 * Spreads the tasks over `threads` workers, two in flight per worker (one running, one queued), and puts the
 * answers back in task order; `onRun` fires in that order as soon as every earlier run is in. On success the
 * workers go back to the idle pool; on a failed run, a worker that dies or the signal, every worker of the call
 * is ended.
 */
function inWorkers(
  scenario: Scenario,
  model: ServiceModel,
  tasks: Task[],
  threads: number,
  opts: SimulateManyOptions,
): Promise<SimulatedRun[]> {
  if (!existsSync(paths.simulateWorker))
    throw new Error(
      `simulateMany: the worker ${paths.simulateWorker} is missing: build first (npx tsc -p tsconfig.json), or pass threads: 1`,
    );
  if (opts.signal?.aborted) return Promise.reject(interrupted(opts.signal));
  const setup: SimulateSetup = {
    type: 'setup',
    scenario,
    model,
    ...(opts.stepMs ? { stepMs: opts.stepMs } : {}),
    records: opts.records ?? 'outcomes',
  };
  const results: (SimulatedRun | undefined)[] = new Array(tasks.length);
  const workers = acquire(threads);
  let next = 0;
  let reported = 0;
  let settled = false;
  return new Promise<SimulatedRun[]>((resolvePromise, rejectPromise) => {
    const listeners = new Map<
      Worker,
      { message: (a: SimulateAnswer) => void; error: (e: Error) => void; exit: (c: number) => void }
    >();
    const finish = (error?: Error) => {
      if (settled) return;
      settled = true;
      opts.signal?.removeEventListener('abort', onAbort);
      for (const [w, l] of listeners) {
        w.off('message', l.message);
        w.off('error', l.error);
        w.off('exit', l.exit);
      }
      if (error) {
        for (const w of workers) void w.terminate();
        rejectPromise(error);
      } else {
        for (const w of workers) w.unref();
        idle.push(...workers);
        resolvePromise(results as SimulatedRun[]);
      }
    };
    const onAbort = () => finish(interrupted(opts.signal!));
    const send = (w: Worker) => {
      if (next >= tasks.length) return;
      const index = next++;
      w.postMessage({ type: 'run', index, ...tasks[index]! } satisfies SimulateTask);
    };
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    for (const w of workers) {
      const l = {
        message: (answer: SimulateAnswer) => {
          if (settled) return;
          if ('error' in answer) {
            const e = new Error(answer.error.message);
            if (answer.error.stack) e.stack = answer.error.stack;
            return finish(e);
          }
          results[answer.index] = answer.run;
          send(w);
          try {
            while (reported < tasks.length && results[reported]) {
              opts.onRun?.(tasks[reported]!.policy, results[reported]!);
              reported++;
            }
          } catch (e) {
            return finish(e instanceof Error ? e : new Error(String(e)));
          }
          if (reported === tasks.length) finish();
        },
        error: (e: Error) => finish(e),
        exit: (code: number) =>
          finish(new Error(`simulateMany: a worker thread exited (code ${code}) before its runs were done`)),
      };
      listeners.set(w, l);
      w.on('message', l.message);
      w.on('error', l.error);
      w.on('exit', l.exit);
      w.postMessage(setup);
      send(w);
      send(w);
    }
  });
}

/** Summarises the runs of one policy. */
export function summarise(scenario: Scenario, policy: PolicyName, runs: SimulatedRun[]): PolicyResult {
  const outcomes: Record<string, number> = {};
  for (const r of runs) outcomes[r.controller.outcome] = (outcomes[r.controller.outcome] ?? 0) + 1;
  const rolledBack = runs.filter((r) => r.controller.outcome === 'rolled-back').length;
  const classifications: PolicyResult['classifications'] = {};
  for (const r of runs) {
    const c = r.judgement.classification;
    classifications[c] = (classifications[c] ?? 0) + 1;
  }
  const bad = scenario.expect.outcome === 'rolled-back';
  const stable = scenario.service.stable;
  const hurt = runs.map((r) =>
    Object.entries(r.judgement.blastRadius.byVersion)
      .filter(([v]) => v !== stable)
      .reduce((s, [, i]) => s + i.failed + i.slow + i.wrongVerdicts, 0),
  );
  return {
    policy,
    description: policies[policy].description,
    runs: runs.length,
    outcomes,
    ...(bad ? { detectionProbability: proportion(rolledBack, runs.length) } : {}),
    ...(scenario.expect.outcome === 'promoted'
      ? { falseRollbackRate: proportion(rolledBack, runs.length) }
      : {}),
    passRate: proportion(runs.filter((r) => r.judgement.passed).length, runs.length),
    classifications,
    missedRate: proportion(classifications.missed ?? 0, runs.length),
    harmFalseRollbackRate: proportion(classifications['false-rollback'] ?? 0, runs.length),
    timeToDetectMs: distribution(
      runs.flatMap((r) =>
        r.judgement.timeToDetectMs !== undefined && r.controller.outcome === 'rolled-back'
          ? [r.judgement.timeToDetectMs]
          : [],
      ),
    ),
    timeToRollbackMs: distribution(
      runs.flatMap((r) => (r.judgement.timeToRollbackMs !== undefined ? [r.judgement.timeToRollbackMs] : [])),
    ),
    blastRadius: distribution(hurt),
    failedRequests: distribution(runs.map((r) => r.judgement.failedRequests)),
    requests: runs.reduce((s, r) => s + r.requests, 0),
  };
}
