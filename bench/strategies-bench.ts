/**
 * Canary rollback speed and false rollbacks, over repeated seeded live rehearsals on the local platform.
 *
 *   npx tsc -p tsconfig.json && node dist/bench/strategies-bench.js [--runs N] [--healthy N]
 *
 * For each seed it rehearses scenarios/canary-error-spike.yaml (v2 answers 5% of requests with HTTP 500,
 * 40 req/s) twice: with the shipped analysis, and with the same threshold checks counted Flagger's way
 * (failures over the whole run, rollback at the 5th: threshold 5) at the same interval — the reference
 * measured in the same run. It then rehearses scenarios/canary-healthy.yaml to count false rollbacks.
 * Target: fault start → all traffic on stable <= 15 s; Flagger's documented rhythm is interval × threshold
 * = 1 min × 5 = 300 s.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { RealClock } from '../sim/clock/real-clock.js';
import { rehearseScenario } from '../sim/engine/run-scenario.js';
import { scenarioSchema } from '../sim/scenario/schema.js';
import { secs } from '../sim/util/format.js';
import { nullLogger } from '../sim/util/logger.js';
import { packageRoot, paths } from '../sim/util/paths.js';
import type { ScenarioReport } from '../sim/vocabulary/report-model.js';

/** The scenario file's data, edited before validation. */
type Scenarioish = { [k: string]: unknown; strategy: { analysis: { checks: unknown[] } } };

const TARGET_MS = 15_000;
const FLAGGER_DOCUMENTED_MS = 60_000 * 5;

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

function load(file: string, seed: number, edit?: (data: Scenarioish) => void) {
  const data = parse(readFileSync(join(packageRoot, file), 'utf8')) as Scenarioish;
  data.seed = seed;
  data.name = `${data.name}-seed-${seed}`;
  edit?.(data);
  return { file, scenario: scenarioSchema.parse(data) };
}

/** Flagger's way: the same threshold checks, failures counted over the run, rollback at the 5th. */
function flaggerStyle(data: Scenarioish): void {
  data.name = `${data.name}-flagger-style`;
  data.strategy.analysis.checks = [
    { metric: 'error_rate', max: 0.01, failureLimit: 4 },
    { metric: 'latency_p95_ms', max: 500, failureLimit: 4 },
  ];
  data.expect = { outcome: 'rolled-back', lostSubmissions: 0 };
}

async function rehearse(
  loaded: ReturnType<typeof load>,
  runDir: string,
  signal: AbortSignal,
): Promise<ScenarioReport> {
  return rehearseScenario(loaded, {
    runId: 'bench',
    runDir,
    platform: 'local',
    clock: new RealClock(),
    log: nullLogger,
    signal,
  });
}

function quantile(xs: number[], q: number): number | undefined {
  if (xs.length === 0) return undefined;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
}

const s = secs;

async function main(): Promise<void> {
  const runs = arg('runs', 3);
  const healthyRuns = arg('healthy', runs);
  const runDir = join(paths.reports, `bench-strategies-${Date.now()}`);
  const stop = new AbortController();
  process.once('SIGINT', () => stop.abort());
  const ours: ScenarioReport[] = [];
  const flagger: ScenarioReport[] = [];
  const healthy: ScenarioReport[] = [];
  for (let i = 0; i < runs && !stop.signal.aborted; i++) {
    const seed = 1000 + i;
    ours.push(await rehearse(load('scenarios/canary-error-spike.yaml', seed), runDir, stop.signal));
    flagger.push(
      await rehearse(load('scenarios/canary-error-spike.yaml', seed, flaggerStyle), runDir, stop.signal),
    );
    for (const r of [ours.at(-1)!, flagger.at(-1)!]) {
      process.stdout.write(
        `${r.name}: ${r.observed.outcome}, detect ${s(r.observed.timeToDetectMs)}, all on stable ${s(r.observed.timeToRollbackMs)}, failed requests ${r.observed.failedRequests}${r.error ? ` (harness error: ${r.error.message})` : ''}\n`,
      );
    }
  }
  for (let i = 0; i < healthyRuns && !stop.signal.aborted; i++) {
    const r = await rehearse(load('scenarios/canary-healthy.yaml', 2000 + i), runDir, stop.signal);
    healthy.push(r);
    process.stdout.write(
      `${r.name}: ${r.observed.outcome} (${r.classification})${r.error ? ` harness error: ${r.error.message}` : ''}\n`,
    );
  }
  const times = (rs: ScenarioReport[]) =>
    rs.map((r) => r.observed.timeToRollbackMs).filter((t): t is number => t !== undefined);
  const ourTimes = times(ours);
  const theirTimes = times(flagger);
  const p50 = quantile(ourTimes, 0.5);
  const max = quantile(ourTimes, 1);
  const refP50 = quantile(theirTimes, 0.5);
  const missed = ours.filter((r) => r.status !== 'error' && r.observed.outcome !== 'rolled-back').length;
  const falseRollbacks = healthy.filter((r) => r.observed.outcome === 'rolled-back').length;
  const harnessErrors = [...ours, ...flagger, ...healthy].filter((r) => r.status === 'error').length;
  const decidedHealthy = healthy.filter((r) => r.status !== 'error').length;
  const lines = [
    '',
    `canary, 5% HTTP 500 on v2 at 40 req/s, ${ours.length} seeded run(s); time = fault start → all traffic on stable`,
    `  shipped analysis: p50 ${s(p50)}, max ${s(max)} (target <= ${s(TARGET_MS)}: ${max !== undefined && max <= TARGET_MS && missed === 0 ? 'met' : 'NOT met'}); not rolled back: ${missed}`,
    `  Flagger-style counting (threshold 5) at the same interval, same seeds: p50 ${s(refP50)}, max ${s(quantile(theirTimes, 1))}; not rolled back: ${flagger.filter((r) => r.observed.outcome !== 'rolled-back').length} (paused: fewer than 5 failures within an analyze step)`,
    `  ratio shipped / Flagger-style (same run): ${p50 !== undefined && refP50 ? (p50 / refP50).toFixed(2) : '-'}`,
    `  ratio shipped / Flagger's documented interval × threshold (1 min × 5 = 300 s): ${p50 !== undefined ? (p50 / FLAGGER_DOCUMENTED_MS).toFixed(3) : '-'}`,
    `false rollbacks of a healthy canary: ${falseRollbacks} of ${decidedHealthy} decided run(s) (target 0)`,
    `harness errors (runs that could not rehearse; not counted above): ${harnessErrors}`,
    `reports: ${runDir}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  process.exitCode = missed === 0 && falseRollbacks === 0 && max !== undefined && max <= TARGET_MS ? 0 : 1;
}

await main();
