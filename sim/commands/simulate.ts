import { mkdirSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { makeRunId, runReportHead } from '../engine/run-suite.js';
import { runInTurn } from '../engine/suite-schedule.js';
import { HtmlReporter } from '../report/html-reporter.js';
import { JsonReporter } from '../report/json-reporter.js';
import { writeReports } from '../report/reporter.js';
import { comparisonTable } from '../report/simulation.js';
import { resolveModel, type ServiceModel } from '../simulate/model.js';
import { endSimulationWorkers, simulateMany } from '../simulate/monte-carlo.js';
import { resolvePolicies } from '../simulate/policies.js';
import { unsupportedReason } from '../simulate/support.js';
import { ExitCode, RehearsalError } from '../util/errors.js';
import { secs } from '../util/format.js';
import { paths } from '../util/paths.js';
import type { RunReport } from '../vocabulary/report-model.js';
import type { ScenarioSimulation, SimulationReport } from '../vocabulary/simulation-report.js';
import type { Command } from './command.js';
import { selectScenarios } from './select.js';

/** What became of one scenario: simulated, or skipped with the reason. */
type SimulatedScenario = { sim: ScenarioSimulation } | { skipped: { scenario: string; reason: string } };

/** Most rehearsals per scenario and policy: beyond it the interval hardly narrows and memory grows. */
const MAX_RUNS = 100_000;

function positiveInt(flag: string, value: unknown, fallback: number, min = 1): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min)
    throw new RehearsalError(
      `--${flag} must be a whole number of at least ${min}, got ${String(value)}`,
      `for example --${flag} 1000`,
      ExitCode.invalidScenario,
    );
  return n;
}

/** The model with its monitoring lag and gap probability overridden from the command line. */
function withMonitoring(model: ServiceModel, lag: unknown, gaps: unknown): ServiceModel {
  const monitoring = { ...model.monitoring };
  if (lag !== undefined) monitoring.lagMs = positiveInt('scrape-lag', lag, 0, 0);
  if (gaps !== undefined) {
    const p = Number(gaps);
    if (!(p >= 0 && p <= 0.9))
      throw new RehearsalError(
        `--scrape-gaps must be a probability 0–0.9, got ${String(gaps)}`,
        'for example --scrape-gaps 0.1',
        ExitCode.invalidScenario,
      );
    monitoring.gapProbability = p;
  }
  return { ...model, monitoring };
}

/** `rehearse simulate`: the same controller and analysis, many seeded rehearsals in virtual time against a service model. */
export const simulateCommand: Command = {
  name: 'simulate',
  summary: 'rehearse scenarios N times each in virtual time against a model of the service; compare policies',
  usage:
    'rehearse simulate [files|dirs] [--runs N] [--seed S] [--policy scenario|flagger|argo|ours] [--model FILE]',
  options: {
    runs: {
      type: 'string',
      description: 'rehearsals per scenario and policy (default 200, at most 100,000)',
    },
    seed: { type: 'string', description: "first seed; run i uses seed+i (default: the scenario's seed)" },
    policy: {
      type: 'string',
      multiple: true,
      description: 'policy to evaluate, repeatable or comma-separated (default scenario)',
    },
    model: {
      type: 'string',
      description: 'service model file (default fixtures/judge-model.json, else a hand-written model)',
    },
    'scrape-lag': {
      type: 'string',
      description: "ms between a scrape and its samples becoming visible (default: the model's)",
    },
    'scrape-gaps': {
      type: 'string',
      description: "probability that a scrape is lost, 0–0.9 (default: the model's)",
    },
    step: {
      type: 'string',
      description: 'traffic aggregation step in ms (default: the scrape interval, 250–5000)',
    },
    tag: {
      type: 'string',
      multiple: true,
      description: 'only scenarios with this tag, strategy or fault type',
    },
    reports: { type: 'string', description: 'folder for reports (default reports/)' },
  },
  async run(ctx) {
    const runs = positiveInt('runs', ctx.flags.runs, 200);
    if (runs > MAX_RUNS)
      throw new RehearsalError(
        `--runs must be at most ${MAX_RUNS.toLocaleString('en')}, got ${String(ctx.flags.runs)}`,
        `${MAX_RUNS.toLocaleString('en')} runs already pin a rate to ±0.3% (95%); for more, run again with --seed moved on by --runs`,
        ExitCode.invalidScenario,
      );
    const stepMs = ctx.flags.step === undefined ? undefined : positiveInt('step', ctx.flags.step, 1000);
    const names = ((ctx.flags.policy as string[] | undefined) ?? ['scenario'])
      .flatMap((p) => p.split(','))
      .filter(Boolean);
    const policyNames = resolvePolicies(names);
    const scenarios = selectScenarios(ctx.args, ctx.cwd, ctx.flags.tag as string[] | undefined, 'default');
    const resolved = resolveModel(ctx.flags.model ? resolve(ctx.cwd, String(ctx.flags.model)) : undefined);
    const { file } = resolved;
    const model = withMonitoring(resolved.model, ctx.flags['scrape-lag'], ctx.flags['scrape-gaps']);
    if (!file)
      ctx.err(
        'warning: no calibrated model (fixtures/judge-model.json); using the hand-written one — run `rehearse calibrate`',
      );
    const firstSeed = ctx.flags.seed !== undefined ? positiveInt('seed', ctx.flags.seed, 1, 0) : undefined;
    const started = Date.now();
    let requests = 0;
    // One scenario at a time: each one's runs are spread over the cores (worker threads, see simulateMany).
    const { results: done, notRun } = await runInTurn(scenarios, {
      signal: ctx.signal,
      run: async ({ scenario, file: scenarioFile }): Promise<SimulatedScenario> => {
        const unsupported = unsupportedReason(scenario);
        if (unsupported) {
          ctx.err(`skipped ${scenario.name} (${scenarioFile}): ${unsupported}`);
          return { skipped: { scenario: scenario.name, reason: unsupported } };
        }
        ctx.out(`${scenario.name} (${scenarioFile}): ${runs} rehearsal(s) × ${policyNames.join(', ')}`);
        const sim = await simulateMany(scenario, model, {
          runs,
          seed: firstSeed ?? scenario.seed,
          policies: policyNames,
          ...(stepMs ? { stepMs } : {}),
          onRun: (_p, r) => (requests += r.requests),
          signal: ctx.signal,
        });
        ctx.out(`${comparisonTable(sim)}\n`);
        return { sim };
      },
    }).finally(endSimulationWorkers);
    const results = done.flatMap((d) => ('sim' in d ? [d.sim] : []));
    const skipped = done.flatMap((d) => ('skipped' in d ? [d.skipped] : []));
    if (results.length === 0) {
      throw new RehearsalError(
        'no scenario could be simulated',
        'pick scenarios whose faults the simulator models (see sim/simulate/README.md)',
        ExitCode.invalidScenario,
      );
    }
    const wallMs = Math.max(1, Date.now() - started);
    const rehearsals = results.length * runs * policyNames.length;
    const simulation: SimulationReport = {
      runs,
      seed: firstSeed ?? scenarios[0]!.scenario.seed,
      policies: policyNames,
      model: {
        file: file ? relative(ctx.cwd, file) : null,
        source: model.source,
        ...(model.measuredAt ? { measuredAt: model.measuredAt } : {}),
      },
      stepMs: stepMs ?? null,
      scenarios: results,
      skipped,
      performance: {
        wallMs,
        rehearsals,
        simulatedRequests: requests,
        simulatedRequestsPerSecond: (requests / wallMs) * 1000,
        rehearsalsPerSecond: (rehearsals / wallMs) * 1000,
      },
    };
    const runId = makeRunId(new Date(started), 'sim');
    const dir = join(resolve(ctx.cwd, String(ctx.flags.reports ?? paths.reports)), runId);
    mkdirSync(dir, { recursive: true });
    const report: RunReport = {
      ...runReportHead({
        runId,
        startedAt: new Date(started),
        finishedAt: new Date(),
        platform: 'simulated',
        tool: { version: paths.version, node: process.version },
        signal: ctx.signal,
        notRun: notRun.map((s) => s.scenario.name),
      }),
      scenarios: [],
      simulation,
      summary: { total: 0, passed: 0, failed: 0, errors: 0 },
    };
    const written = await writeReports([new JsonReporter(), new HtmlReporter()], report, dir);
    for (const f of written.failures) ctx.err(`warning: reporter ${f.reporter} failed: ${f.error}`);
    ctx.out(
      `${rehearsals} rehearsals, ${requests.toLocaleString('en')} simulated requests in ${secs(wallMs)} (${Math.round(simulation.performance.simulatedRequestsPerSecond).toLocaleString('en')} req/s)`,
    );
    ctx.out(`reports: ${dir}`);
    return ctx.signal.aborted ? ExitCode.interrupted : ExitCode.ok;
  },
};
