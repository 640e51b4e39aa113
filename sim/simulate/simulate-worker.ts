/**
 * A worker thread of `simulateMany`: receives the scenario, the model and the step as plain data (a `setup`
 * message, once per `simulateMany` call: the thread is kept for the next call, since loading the code costs more
 * than many runs), then rehearses the runs it is sent one at a time and answers each with its `SimulatedRun`.
 * Run `index` always has the seed it is sent, so which worker rehearses it changes nothing.
 */
import { parentPort } from 'node:worker_threads';
import type { Scenario } from '../scenario/schema.js';
import type { ServiceModel } from './model.js';
import type { PolicyName } from './policies.js';
import { type RunRecords, recordOf } from './run-record.js';
import { simulateScenario } from './simulate-scenario.js';

/** What the runs that follow rehearse. */
export interface SimulateSetup {
  type: 'setup';
  scenario: Scenario;
  model: ServiceModel;
  stepMs?: number;
  /** How much of each run to answer with: slimmed here, so that only what the caller wants is copied. */
  records: RunRecords;
}

/** One run to rehearse, under the last setup. */
export interface SimulateTask {
  type: 'run';
  index: number;
  policy: PolicyName;
  seed: number;
}

/** The answer to a task. */
export type SimulateAnswer =
  | { index: number; run: Awaited<ReturnType<typeof simulateScenario>> }
  | { index: number; error: { message: string; stack?: string } };

const port = parentPort;
if (!port) throw new Error('simulate-worker.js is a worker thread of simulateMany; it cannot run on its own');
let setup: SimulateSetup | undefined;

// One run at a time: the main thread keeps a second task queued here so that the thread never waits for work.
const queue: SimulateTask[] = [];
let busy = false;

async function drain(): Promise<void> {
  busy = true;
  for (let task = queue.shift(); task; task = queue.shift()) {
    try {
      if (!setup) throw new Error('simulate worker: a run arrived before its setup');
      const { scenario, model, stepMs, records } = setup;
      const run = await simulateScenario(scenario, model, {
        seed: task.seed,
        policy: task.policy,
        records,
        ...(stepMs ? { stepMs } : {}),
      });
      port!.postMessage({ index: task.index, run: recordOf(run, records) } satisfies SimulateAnswer);
    } catch (e) {
      const error = e instanceof Error ? e : new Error(String(e));
      port!.postMessage({
        index: task.index,
        error: { message: error.message, ...(error.stack ? { stack: error.stack } : {}) },
      } satisfies SimulateAnswer);
    }
  }
  busy = false;
}

port.on('message', (message: SimulateSetup | SimulateTask) => {
  // The main thread sends a setup only when no run of the previous call is left in this thread.
  if (message.type === 'setup') {
    setup = message;
    return;
  }
  queue.push(message);
  if (!busy) void drain();
});
