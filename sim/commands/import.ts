import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { stringify } from 'yaml';
import { DEFAULT_TIME_SCALE, type ImportFault, importFaults, importPolicy } from '../import/import-policy.js';
import { describePlan } from '../scenario/plan.js';
import { ExitCode, RehearsalError } from '../util/errors.js';
import type { Command } from './command.js';
import { checkOutputDir } from './output-dir.js';

const outcomes = ['promoted', 'rolled-back', 'paused'] as const;

/** `rehearse import <file>`: an Argo Rollout or Flagger Canary policy → a scenario that rehearses it. Starts nothing. */
export const importCommand: Command = {
  name: 'import',
  summary:
    'turn an Argo Rollouts Rollout or a Flagger Canary (YAML) into a scenario that rehearses that policy',
  usage:
    'rehearse import <file> [--out FILE] [--time-scale N] [--fault none|http-errors|latency] [--expect promoted|rolled-back|paused] [--name NAME] [--seed S]',
  options: {
    out: {
      type: 'string',
      short: 'o',
      description: 'where to write the scenario (default reports/imported/<name>.yaml)',
    },
    'time-scale': {
      type: 'string',
      description: `divide every policy duration by this (default ${DEFAULT_TIME_SCALE}: a 1m interval runs every 6s)`,
    },
    fault: { type: 'string', description: 'fault on the candidate: none (default), http-errors or latency' },
    expect: {
      type: 'string',
      description: 'expected outcome (default: promoted without a fault, rolled-back with one)',
    },
    name: {
      type: 'string',
      description: 'scenario name (default argo-<resource name> or flagger-<resource name>)',
    },
    seed: { type: 'string', description: 'scenario seed (default 1)' },
  },
  async run(ctx) {
    const usage = (message: string) =>
      new RehearsalError(message, `usage: ${importCommand.usage}`, ExitCode.invalidScenario);
    if (ctx.args.length !== 1) throw usage(`import takes one file, got ${ctx.args.length}`);
    const path = resolve(ctx.cwd, ctx.args[0]!);
    const file = relative(ctx.cwd, path) || path;
    const fault = String(ctx.flags.fault ?? 'none');
    if (!(importFaults as readonly string[]).includes(fault))
      throw usage(`--fault: must be one of ${importFaults.join(', ')}, got ${JSON.stringify(fault)}`);
    const expect = ctx.flags.expect === undefined ? undefined : String(ctx.flags.expect);
    if (expect !== undefined && !(outcomes as readonly string[]).includes(expect))
      throw usage(`--expect: must be one of ${outcomes.join(', ')}, got ${JSON.stringify(expect)}`);
    const timeScale =
      ctx.flags['time-scale'] === undefined ? DEFAULT_TIME_SCALE : Number(ctx.flags['time-scale']);
    const seed = ctx.flags.seed === undefined ? undefined : Number(ctx.flags.seed);
    if (seed !== undefined && !(Number.isInteger(seed) && seed >= 0))
      throw usage(`--seed: must be a whole number, got ${JSON.stringify(ctx.flags.seed)}`);
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (error) {
      throw new RehearsalError(
        `${file}: cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
        'give the path of a Rollout or Canary YAML file',
        ExitCode.invalidScenario,
      );
    }
    const result = importPolicy(text, {
      file,
      timeScale,
      fault: fault as ImportFault,
      ...(expect !== undefined ? { expect: expect as (typeof outcomes)[number] } : {}),
      ...(ctx.flags.name !== undefined ? { name: String(ctx.flags.name) } : {}),
      ...(seed !== undefined ? { seed } : {}),
    });
    const out = resolve(
      ctx.cwd,
      String(ctx.flags.out ?? join('reports', 'imported', `${result.scenario.name}.yaml`)),
    );
    checkOutputDir(dirname(out), '--out');
    mkdirSync(dirname(out), { recursive: true });
    const header = `# Made by rehearse import from ${file} (${result.kind}); policy time compressed ${timeScale}x.\n`;
    const unmappedLines = result.unmapped.map((u) => `#   ${u}\n`).join('');
    writeFileSync(
      out,
      `${header}${unmappedLines ? `# Not mapped:\n${unmappedLines}` : ''}${stringify(result.written, { lineWidth: 0 })}`,
    );
    ctx.out(`wrote ${relative(ctx.cwd, out) || out}`);
    ctx.out(describePlan(result.scenario, 'local').join('\n'));
    ctx.out(
      result.unmapped.length
        ? `not mapped (${result.unmapped.length}):\n${result.unmapped.map((u) => `  ${u}`).join('\n')}`
        : 'not mapped: nothing',
    );
    return ExitCode.ok;
  },
};
