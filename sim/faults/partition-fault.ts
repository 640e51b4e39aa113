import { z } from 'zod';
import { type Fault, type FaultContext, faultBase, type InjectedFault } from './fault.js';
import { injectNetwork } from './network-fault.js';

/** Configuration of `partition`. */
export const partitionSchema = z.strictObject({ type: z.literal('partition'), ...faultBase });

/** The target version is unreachable from the router: every request routed to it fails with 503. */
export class PartitionFault implements Fault {
  constructor(readonly config: z.output<typeof partitionSchema>) {}

  describe(): string {
    return `${this.config.target} is unreachable (network partition)`;
  }

  inject(ctx: FaultContext): Promise<InjectedFault> {
    return injectNetwork(ctx, { partition: true });
  }
}
