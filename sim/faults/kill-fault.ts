import { z } from 'zod';
import { pct } from '../util/format.js';
import { type Fault, type FaultContext, faultBase, type InjectedFault } from './fault.js';
import { injectOnInstances, restartIfPossible } from './instance-fault.js';

/** Configuration of `kill`. */
export const killSchema = z.strictObject({ type: z.literal('kill'), ...faultBase });

/** Kills a share of the target's instances abruptly (SIGKILL); with a `duration`, they are restarted after it. */
export class KillFault implements Fault {
  constructor(readonly config: z.output<typeof killSchema>) {}

  describe(): string {
    return `kill ${pct(this.config.share, 0)} of ${this.config.target}'s instances${this.config.duration ? ', restart them after' : ''}`;
  }

  inject(ctx: FaultContext): Promise<InjectedFault> {
    return injectOnInstances(ctx, this.config.share, {
      apply: (i) => i.kill(),
      expect: 'refused',
      ...(this.config.duration !== undefined ? { undo: restartIfPossible } : {}),
    });
  }
}
