import { z } from 'zod';
import { pct } from '../util/format.js';
import { type Fault, type FaultContext, faultBase, type InjectedFault } from './fault.js';
import { injectOnInstances, restartIfPossible } from './instance-fault.js';

/** Configuration of `capacity-loss`: targets the stable version by default. */
export const capacityLossSchema = z.strictObject({
  type: z.literal('capacity-loss'),
  ...faultBase,
  target: z.string().default('stable'),
  share: z.number().min(0).max(1).default(0.5),
});

/**
 * Instances of the stable version are lost during the release (node failure, eviction): the
 * candidate is not to blame, and a controller that rolls back because of it is wrong.
 */
export class CapacityLossFault implements Fault {
  constructor(readonly config: z.output<typeof capacityLossSchema>) {}

  describe(): string {
    return `${pct(this.config.share, 0)} of ${this.config.target}'s instances are lost mid-release`;
  }

  inject(ctx: FaultContext): Promise<InjectedFault> {
    return injectOnInstances(ctx, this.config.share, {
      apply: (i) => i.kill(),
      expect: 'refused',
      ...(this.config.duration !== undefined ? { undo: restartIfPossible } : {}),
    });
  }
}
