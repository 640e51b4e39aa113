import { loadScenarios } from '../scenario/load.js';
import { ExitCode } from '../util/errors.js';
import { paths } from '../util/paths.js';
import type { Command } from './command.js';

/** `rehearse validate`: checks scenario files, starts nothing. */
export const validateCommand: Command = {
  name: 'validate',
  summary: 'check scenario files and report every problem; starts nothing',
  usage: 'rehearse validate [files|dirs]',
  options: {},
  async run(ctx) {
    const loaded = loadScenarios(ctx.args.length ? ctx.args : [paths.scenarios], ctx.cwd);
    for (const l of loaded) ctx.out(`ok ${l.file}: ${l.scenario.name}`);
    ctx.out(`${loaded.length} scenario(s) valid`);
    return ExitCode.ok;
  },
};
