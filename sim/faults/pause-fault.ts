import { z } from 'zod';
import { pct } from '../util/format.js';
import { type Fault, type FaultContext, faultBase, type InjectedFault } from './fault.js';
import { injectOnInstances } from './instance-fault.js';

/** Configuration of `pause`. */
export const pauseSchema = z.strictObject({ type: z.literal('pause'), ...faultBase });

/**
 * Freezes a share of the target's instances (SIGSTOP): connections open but hang until resumed.
 * No simulation model: frozen instances hold requests until users time out, and the probes need two
 * timeouts to notice, so live detection comes seconds later than an instant loss would give.
 */
export class PauseFault implements Fault {
  constructor(readonly config: z.output<typeof pauseSchema>) {}

  describe(): string {
    return `freeze ${pct(this.config.share, 0)} of ${this.config.target}'s instances`;
  }

  inject(ctx: FaultContext): Promise<InjectedFault> {
    return injectOnInstances(ctx, this.config.share, {
      apply: (i) => i.pause(),
      expect: 'silent',
      undo: (i) => i.resume(),
    });
  }
}
