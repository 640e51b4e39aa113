import { lstatSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { type LoadedScenario, loadScenarios } from '../scenario/load.js';
import { exportK6 } from '../traffic/k6/export.js';
import { ExitCode, RehearsalError, ScenarioError } from '../util/errors.js';
import { paths } from '../util/paths.js';
import type { Command } from './command.js';
import { checkOutputDir } from './output-dir.js';

/** `rehearse export-k6`: writes a scenario's seeded traffic as a k6 script and its data file. */
export const exportK6Command: Command = {
  name: 'export-k6',
  summary:
    "write a scenario's seeded traffic as a k6 script (+ data file) with the same arrival rate and thresholds",
  usage: 'rehearse export-k6 <scenario file or name> [-o DIR]',
  options: {
    out: { type: 'string', short: 'o', description: 'folder for the script and its data file (default k6/)' },
  },
  async run(ctx) {
    if (ctx.args.length !== 1) {
      throw new RehearsalError(
        'export-k6 takes one scenario',
        'rehearse export-k6 scenarios/canary-healthy.yaml -o k6/',
        ExitCode.invalidScenario,
      );
    }
    const loaded = findScenario(ctx.args[0]!, ctx.cwd);
    const dir = resolve(ctx.cwd, String(ctx.flags.out ?? 'k6'));
    checkOutputDir(dir, '-o');
    const written = exportK6(loaded, dir);
    const show = (p: string) => relative(ctx.cwd, p) || p;
    ctx.out(`wrote ${show(written.script)}`);
    ctx.out(
      `wrote ${show(written.data)} (${written.requests} requests, ${written.solutions} solutions, seed ${loaded.scenario.seed})`,
    );
    ctx.out(`run: k6 run -e REHEARSAL_TARGET=http://127.0.0.1:8080 ${show(written.script)}`);
    return ExitCode.ok;
  },
};

function findScenario(target: string, cwd: string): LoadedScenario {
  // lstat: a dangling link or a symlink loop is a file the user meant; loading it names the problem.
  if (lstatSync(resolve(cwd, target), { throwIfNoEntry: false })) {
    const [first] = loadScenarios([target], cwd);
    if (first) return first;
  }
  const suite = loadScenarios([paths.scenarios], cwd);
  const byName = suite.find((l) => l.scenario.name === target);
  if (!byName)
    throw new ScenarioError([
      `${target}: no such scenario file, and no shipped scenario has that name (names: ${suite.map((l) => l.scenario.name).join(', ')})`,
    ]);
  return byName;
}
