import { describePlan } from '../scenario/plan.js';
import { ExitCode } from '../util/errors.js';
import type { Command } from './command.js';
import { selectScenarios } from './select.js';

/** `rehearse plan`: prints what a run would do, starts nothing. */
export const planCommand: Command = {
  name: 'plan',
  summary: 'print the steps a run would take; starts nothing',
  usage: 'rehearse plan [files|dirs] [--tag T] [--platform NAME]',
  options: {
    tag: {
      type: 'string',
      multiple: true,
      description: 'only scenarios with this tag, strategy or fault type',
    },
    platform: { type: 'string', description: 'platform to plan for (default local)' },
  },
  async run(ctx) {
    const loaded = selectScenarios(ctx.args, ctx.cwd, ctx.flags.tag as string[] | undefined);
    for (const l of loaded)
      ctx.out(`${describePlan(l.scenario, String(ctx.flags.platform ?? 'local')).join('\n')}\n`);
    return ExitCode.ok;
  },
};
