import { z } from 'zod';
import { pct } from '../util/format.js';
import { type Fault, type FaultContext, faultBase, type InjectedFault } from './fault.js';
import { injectNetwork } from './network-fault.js';
import type { FaultSimulation } from './simulation.js';

/** Configuration of `reset`. */
export const resetSchema = z.strictObject({
  type: z.literal('reset'),
  ...faultBase,
  /** Share of the target's connections reset by the router. */
  rate: z.number().gt(0).max(1),
});

/** Simulated: the router resets the share of the whole version's connections, whatever the share of instances. */
export const resetSimulation: FaultSimulation<z.output<typeof resetSchema>> = {
  via: 'service',
  effect: (c) => ({ resetRate: c.rate }),
};

/** Connections to the target are reset (the client sees no response at all). */
export class ResetFault implements Fault {
  constructor(readonly config: z.output<typeof resetSchema>) {}

  describe(): string {
    return `the router resets ${pct(this.config.rate)} of connections to ${this.config.target}`;
  }

  inject(ctx: FaultContext): Promise<InjectedFault> {
    return injectNetwork(ctx, { resetRate: this.config.rate });
  }
}
