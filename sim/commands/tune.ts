import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { parseDocument, stringify } from 'yaml';
import { makeRunId } from '../engine/run-suite.js';
import type { LoadedScenario } from '../scenario/load.js';
import { parseScenario } from '../scenario/load.js';
import type { Scenario } from '../scenario/schema.js';
import { resolveModel } from '../simulate/model.js';
import { unsupportedReason } from '../simulate/support.js';
import { type Constraints, choose, type Evaluated, paretoFront, search } from '../tune/search.js';
import { type Candidate, candidates, type StrategyPatch } from '../tune/space.js';
import { bar, describePatch, markdownTable, paretoRows } from '../tune/table.js';
import { parseDuration } from '../util/duration.js';
import { ExitCode, RehearsalError } from '../util/errors.js';
import { alignedTable, secs } from '../util/format.js';
import { paths } from '../util/paths.js';
import type { Command, CommandContext } from './command.js';
import { selectScenarios } from './select.js';

function positiveInt(flag: string, value: unknown, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new RehearsalError(
      `--${flag} must be a whole number from ${min} to ${max.toLocaleString('en')}, got ${String(value)}`,
      `for example --${flag} ${fallback}`,
      ExitCode.invalidScenario,
    );
  return n;
}

/** A scenario file's text and its parsed strategy block as written, checked to be a canary with an analysis block. */
function written(s: LoadedScenario, cwd: string): { text: string; patch: StrategyPatch } {
  const text = readFileSync(resolve(cwd, s.file), 'utf8');
  const raw = parseDocument(text).toJS() as { strategy?: Record<string, unknown> };
  const strategy = raw.strategy ?? {};
  if (strategy.type !== 'canary')
    throw new RehearsalError(
      `${s.file}: strategy.type must be canary to tune, got ${JSON.stringify(strategy.type)}`,
      'tune searches canary steps and analysis; rehearse the other strategies with `rehearse simulate`',
      ExitCode.invalidScenario,
    );
  const analysis = (strategy.analysis ?? {}) as StrategyPatch['analysis'];
  if (!Array.isArray(analysis.checks) || analysis.checks.length === 0)
    throw new RehearsalError(
      `${s.file}: strategy.analysis.checks must list at least one check to tune, got none`,
      'the search varies the checks the scenario has (thresholds, sequential test); add one',
      ExitCode.invalidScenario,
    );
  return {
    text,
    patch: {
      steps: strategy.steps as StrategyPatch['steps'],
      analysis: {
        ...analysis,
        interval: analysis.interval ?? '2s',
        window: analysis.window ?? '10s',
        checks: analysis.checks,
      },
    },
  };
}

/** The scenario file's text with its strategy's steps and analysis replaced (comments elsewhere kept). */
function patchedText(text: string, patch: StrategyPatch): string {
  const doc = parseDocument(text);
  doc.setIn(['strategy', 'steps'], doc.createNode(patch.steps));
  doc.setIn(['strategy', 'analysis'], doc.createNode(patch.analysis));
  return doc.toString();
}

/** `rehearse tune`: searches canary policies in simulation for the fewest users hurt within false-rollback and release-time limits. */
export const tuneCommand: Command = {
  name: 'tune',
  summary:
    'search canary policies (steps, interval, window, thresholds, failure limits, sequential alpha) in simulation; Pareto table, chosen policy as a patch, live confirmation',
  usage:
    'rehearse tune <scenarios> [--candidates N] [--runs N] [--seed S] [--max-false-rollbacks 0.01] [--max-release 25s] [--no-confirm]',
  options: {
    candidates: { type: 'string', description: 'policies drawn, the shipped one included (default 40)' },
    runs: {
      type: 'string',
      description:
        'rehearsals per scenario for the finalists, on search seeds and again on fresh seeds (default 200)',
    },
    seed: {
      type: 'string',
      description:
        "seed of the candidate draw and of run 0 (default: each scenario's seed); fresh seeds start 1,000,000 above",
    },
    'max-false-rollbacks': {
      type: 'string',
      description: 'highest false-rollback rate on healthy scenarios, point estimate (default 0.01)',
    },
    'max-release': {
      type: 'string',
      description:
        'longest p50 release (deploy → promoted) on healthy scenarios (default: traffic.duration − traffic.settle)',
    },
    model: { type: 'string', description: 'service model file (default fixtures/judge-model.json)' },
    'no-confirm': { type: 'boolean', description: 'skip the live confirmation rehearsals' },
    reports: { type: 'string', description: 'folder for reports (default reports/)' },
  },
  async run(ctx) {
    const nCandidates = positiveInt('candidates', ctx.flags.candidates, 40, 1, 1000);
    const runs = positiveInt('runs', ctx.flags.runs, 200, 4, 100_000);
    const seedFlag =
      ctx.flags.seed === undefined ? undefined : positiveInt('seed', ctx.flags.seed, 1, 0, 2 ** 31 - 1);
    const maxFr =
      ctx.flags['max-false-rollbacks'] === undefined ? 0.01 : Number(ctx.flags['max-false-rollbacks']);
    if (!(maxFr >= 0 && maxFr < 1))
      throw new RehearsalError(
        `--max-false-rollbacks must be a rate from 0 to below 1, got ${String(ctx.flags['max-false-rollbacks'])}`,
        'for example --max-false-rollbacks 0.01 (1%)',
        ExitCode.invalidScenario,
      );
    if (ctx.args.length === 0)
      throw new RehearsalError(
        'tune needs scenario files: the faults to catch and healthy releases to promote',
        'for example rehearse tune scenarios/canary-error-spike.yaml scenarios/canary-healthy.yaml',
        ExitCode.invalidScenario,
      );
    const loaded = selectScenarios(ctx.args, ctx.cwd, undefined, undefined);
    for (const s of loaded) {
      const why = unsupportedReason(s.scenario);
      if (why)
        throw new RehearsalError(
          `${s.file}: cannot be simulated: ${why}`,
          'tune scores policies in simulation; pick scenarios whose faults the simulator models',
          ExitCode.invalidScenario,
        );
    }
    const files = loaded.map((s) => ({ ...s, ...written(s, ctx.cwd) }));
    const healthy = files.filter((f) => f.scenario.expect.outcome === 'promoted');
    const maxRelease = maxReleaseMs(ctx.flags['max-release'], healthy);
    const limits: Constraints = { maxFalseRollbacks: maxFr, maxReleaseMs: maxRelease };
    const resolved = resolveModel(ctx.flags.model ? resolve(ctx.cwd, String(ctx.flags.model)) : undefined);
    if (!resolved.file)
      ctx.err(
        'warning: no calibrated model (fixtures/judge-model.json); using the hand-written one — run `rehearse calibrate`',
      );
    const drawSeed = seedFlag ?? files[0]!.scenario.seed;
    const list = candidates(files[0]!.patch, nCandidates, drawSeed);
    const cache = new Map<string, Scenario[]>();
    const patch = (c: Candidate): Scenario[] => {
      const hit = cache.get(c.id);
      if (hit) return hit;
      const out = files.map((f) => {
        const r = parseScenario(patchedText(f.text, c.patch), f.file);
        if (!r.scenario)
          throw new RehearsalError(
            `policy ${c.id} does not fit ${f.file}: ${r.problems.join('; ')}`,
            'the search only varies steps and analysis; check the scenario’s strategy block',
            ExitCode.invalidScenario,
          );
        return r.scenario;
      });
      cache.set(c.id, out);
      return out;
    };
    ctx.out(
      `tuning ${files.map((f) => f.scenario.name).join(', ')}: ${list.length} candidate(s), up to ${runs} rehearsals per scenario; false rollbacks ≤ ${(maxFr * 100).toFixed(1)}%, release p50 ≤ ${secs(maxRelease)}`,
    );
    const started = Date.now();
    let lastLine = -1;
    const { evaluated, finalists } = await search(list, patch, resolved.model, {
      runs,
      limits,
      base: (s) => seedFlag ?? s.seed,
      signal: ctx.signal,
      onProgress: ({ stage, stages, done, total }) => {
        const text = `stage ${stage + 1}/${stages}${stage === stages - 1 ? ' (fresh seeds)' : ''} ${bar(done, total)} ${done}/${total} rehearsals`;
        if (ctx.status && ctx.tty) ctx.status(text);
        else if (Math.floor((done / total) * 10) > lastLine) {
          lastLine = Math.floor((done / total) * 10);
          ctx.out(`  ${text}`);
        }
      },
    });
    ctx.status?.('');
    if (ctx.signal.aborted) {
      ctx.err(
        `interrupted after ${evaluated.length} candidate(s) were scored: no policy chosen, nothing written`,
      );
      return ExitCode.interrupted;
    }
    const simMs = Date.now() - started;
    const front = new Set(
      paretoFront(finalists.filter((e) => !infeasible(e, limits))).map((e) => e.candidate.id),
    );
    const choice = choose(finalists, limits);
    const rows = paretoRows(finalists, front, limits, choice);
    ctx.out(`\n${alignedTable(rows)}\n`);
    for (const e of finalists) ctx.out(`  ${e.candidate.id}: ${describePatch(e.candidate.patch)}`);
    ctx.out(`\n${choice.beatsShipped ? 'chosen' : 'kept the shipped policy'}: ${choice.reason}`);
    ctx.out(`${evaluated.length} candidate(s) scored in ${secs(simMs)}`);

    const runId = makeRunId(new Date(started), 'tune');
    const dir = join(resolve(ctx.cwd, String(ctx.flags.reports ?? paths.reports)), runId);
    mkdirSync(join(dir, 'patched'), { recursive: true });
    const chosenPatch = choice.chosen.candidate.patch;
    writeFileSync(
      join(dir, 'policy.patch.yaml'),
      `# rehearse tune: the chosen policy (${choice.chosen.candidate.id}); replaces strategy.steps and strategy.analysis\n${stringify({ strategy: chosenPatch })}`,
    );
    const patchedFiles = files.map((f) => {
      const out = join(dir, 'patched', `${f.scenario.name}.yaml`);
      writeFileSync(out, patchedText(f.text, chosenPatch));
      return out;
    });
    let confirmation: LiveCheck[] | undefined;
    if (ctx.flags['no-confirm'] !== true && !ctx.signal.aborted) {
      confirmation = await confirmLive(ctx, patchedFiles, choice.chosen, join(dir, 'live'));
    }
    const json = {
      runId,
      seed: drawSeed,
      runs,
      candidates: list.length,
      limits,
      feasibility: 'point estimate of the false-rollback rate and the p50 release time, on the search seeds',
      seeds: Object.fromEntries(
        files.map((f) => {
          const base = seedFlag ?? f.scenario.seed;
          return [
            f.scenario.name,
            { search: [base, base + runs], fresh: [base + 1_000_000, base + 1_000_000 + runs] },
          ];
        }),
      ),
      chosen: choice.chosen.candidate.id,
      beatsShipped: choice.beatsShipped,
      reason: choice.reason,
      pareto: [...front],
      finalists: finalists.map((e) => ({ ...e, description: describePatch(e.candidate.patch) })),
      evaluated: evaluated.map((e) => ({ id: e.candidate.id, stage: e.stage, score: e.score })),
      confirmation: confirmation ?? null,
      simulationWallMs: simMs,
    };
    writeFileSync(join(dir, 'tune.json'), `${JSON.stringify(json, null, 2)}\n`);
    writeFileSync(join(dir, 'tune.md'), markdown(json, rows, finalists, confirmation));
    ctx.out(`\npolicy patch: ${relative(ctx.cwd, join(dir, 'policy.patch.yaml'))}`);
    ctx.out(`patched scenarios: ${patchedFiles.map((f) => relative(ctx.cwd, f)).join(', ')}`);
    ctx.out(`reports: ${dir} (tune.md, tune.json) in ${secs(Date.now() - started)}`);
    if (ctx.signal.aborted) return ExitCode.interrupted;
    return confirmation?.some((c) => !c.agrees) ? ExitCode.rehearsalFailed : ExitCode.ok;
  },
};

function infeasible(e: Evaluated, limits: Constraints): boolean {
  const fr = e.score.falseRollbacks?.value ?? 0;
  return fr > limits.maxFalseRollbacks || (e.score.releaseMs?.value ?? 0) > limits.maxReleaseMs;
}

function maxReleaseMs(flag: unknown, healthy: LoadedScenario[]): number {
  if (flag !== undefined) {
    const ms = parseDuration(String(flag));
    if (ms === undefined || ms < 1000)
      throw new RehearsalError(
        `--max-release must be a duration of at least 1s like 20s or 2m, got ${String(flag)}`,
        'the p50 time from deploy to promotion on the healthy scenarios',
        ExitCode.invalidScenario,
      );
    return ms;
  }
  if (healthy.length === 0) return Number.POSITIVE_INFINITY;
  return Math.min(...healthy.map((h) => h.scenario.traffic.duration - h.scenario.traffic.settle));
}

/** One live rehearsal of a patched scenario next to what the simulation expects of it. */
interface LiveCheck {
  scenario: string;
  simulated: { outcome: string; share: number };
  live: { outcome: string; status: string; usersHurt: number };
  agrees: boolean;
}

/** Rehearses every patched scenario once on the local platform; agreement = the live outcome is the simulated majority. */
async function confirmLive(
  ctx: CommandContext,
  patchedFiles: string[],
  chosen: Evaluated,
  reportsDir: string,
): Promise<LiveCheck[]> {
  const { runSuite } = await import('../engine/run-suite.js');
  const { RealClock } = await import('../clock/real-clock.js');
  const { createPlatform } = await import('../platform/index.js');
  const { loadScenarios } = await import('../scenario/load.js');
  const probe = await (await createPlatform('local', {})).probe();
  if (!probe.available)
    throw new RehearsalError(
      `live confirmation: platform local unavailable: ${probe.detail}`,
      'run with --no-confirm to skip it',
      ExitCode.platformUnavailable,
    );
  const scenarios = loadScenarios(patchedFiles, ctx.cwd);
  ctx.out(`\nconfirming live on the local platform: ${scenarios.map((s) => s.scenario.name).join(', ')}`);
  const { report } = await runSuite(scenarios, {
    platform: 'local',
    reportsDir,
    clock: new RealClock(),
    log: ctx.log,
    signal: ctx.signal,
    toolVersion: paths.version,
    nodeVersion: process.version,
    onScenarioStart: (s, i, n) => ctx.out(`  [${i + 1}/${n}] ${s.scenario.name}`),
  });
  const counts = chosen.fresh?.outcomes ?? chosen.score.outcomes;
  const checks = report.scenarios.map((r): LiveCheck => {
    const c = counts[r.name] ?? {};
    const total = Object.values(c).reduce((a, b) => a + b, 0);
    const [outcome, n] = Object.entries(c).sort((a, b) => b[1] - a[1])[0] ?? ['none', 0];
    const hurt = Object.entries(r.blastRadius.byVersion)
      .filter(([v]) => v !== r.versions.stable)
      .reduce((s, [, i]) => s + i.failed + i.slow + i.wrongVerdicts, 0);
    return {
      scenario: r.name,
      simulated: { outcome, share: total ? n / total : 0 },
      live: { outcome: r.observed.outcome, status: r.status, usersHurt: hurt },
      agrees: r.observed.outcome === outcome,
    };
  });
  for (const c of checks)
    ctx.out(
      `  ${c.scenario}: live ${c.live.outcome} (${c.live.usersHurt} users hurt, ${c.live.status}), simulated ${c.simulated.outcome} in ${(c.simulated.share * 100).toFixed(0)}% of fresh seeds: ${c.agrees ? 'agree' : 'DISAGREE'}`,
    );
  return checks;
}

function markdown(
  json: {
    runId: string;
    seed: number;
    runs: number;
    candidates: number;
    reason: string;
    beatsShipped: boolean;
  },
  rows: string[][],
  finalists: Evaluated[],
  confirmation: LiveCheck[] | undefined,
): string {
  const lines = [
    `# rehearse tune ${json.runId}`,
    '',
    `${json.candidates} candidates drawn from seed ${json.seed}; finalists on ${json.runs} search seeds and ${json.runs} fresh seeds per scenario. Users hurt: mean per faulty rehearsal [95% CI]; times: p50 [95% CI]; * = Pareto front of the feasible finalists (search seeds).`,
    '',
    markdownTable(rows),
    '',
    ...finalists.map((e) => `- **${e.candidate.id}**: ${describePatch(e.candidate.patch)}`),
    '',
    `**${json.beatsShipped ? 'Chosen' : 'Kept the shipped policy'}**: ${json.reason}`,
  ];
  if (confirmation) {
    lines.push('', '## Live confirmation (local platform)', '');
    lines.push('| scenario | live outcome | users hurt | simulated | agrees |', '|---|---|---|---|---|');
    for (const c of confirmation)
      lines.push(
        `| ${c.scenario} | ${c.live.outcome} | ${c.live.usersHurt} | ${c.simulated.outcome} (${(c.simulated.share * 100).toFixed(0)}%) | ${c.agrees ? 'yes' : 'no'} |`,
      );
  }
  return `${lines.join('\n')}\n`;
}
