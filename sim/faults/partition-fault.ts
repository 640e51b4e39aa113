import { z } from 'zod';
import { type Fault, type FaultContext, faultBase, type InjectedFault } from './fault.js';
import { injectNetwork } from './network-fault.js';
import type { FaultSimulation } from './simulation.js';

/** Configuration of `partition`. */
export const partitionSchema = z.strictObject({ type: z.literal('partition'), ...faultBase });

/** Simulated: the whole version is cut off, as if every instance were gone (503), whatever the share. */
export const partitionSimulation: FaultSimulation<z.output<typeof partitionSchema>> = {
  via: 'service',
  effect: () => ({ instancesLost: 1 }),
};

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
