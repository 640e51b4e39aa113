import { z } from 'zod';
import { type Fault, type FaultContext, faultBase, type InjectedFault } from './fault.js';
import { injectNetwork } from './network-fault.js';

/** Configuration of `bandwidth`. */
export const bandwidthSchema = z.strictObject({
  type: z.literal('bandwidth'),
  ...faultBase,
  /** Response bandwidth from the target, in kilobits per second. */
  kbps: z.number().int().gt(0).max(10_000_000),
});

/** Responses from the target trickle through a narrow link: large ones (leaderboards) slow down most. */
export class BandwidthFault implements Fault {
  constructor(readonly config: z.output<typeof bandwidthSchema>) {}

  describe(): string {
    return `responses from ${this.config.target} limited to ${this.config.kbps} kbit/s`;
  }

  inject(ctx: FaultContext): Promise<InjectedFault> {
    return injectNetwork(ctx, { bandwidthKbps: this.config.kbps });
  }
}
