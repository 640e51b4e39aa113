import { z } from 'zod';
import { type Fault, type FaultContext, faultBase, type InjectedFault } from './fault.js';
import { injectNetwork } from './network-fault.js';
import type { FaultSimulation } from './simulation.js';

/** Configuration of `net-latency`. */
export const netLatencySchema = z.strictObject({
  type: z.literal('net-latency'),
  ...faultBase,
  /** Delay the router adds before forwarding each request to the target. */
  ms: z.number().int().gt(0).max(60_000),
});

/** Simulated: the router delays the whole version, whatever the share of instances (as every network fault). */
export const netLatencySimulation: FaultSimulation<z.output<typeof netLatencySchema>> = {
  via: 'service',
  effect: (c) => ({ extraLatencyMs: c.ms }),
};

/** The network to the target is slow: the router delays every request it forwards there. */
export class NetLatencyFault implements Fault {
  constructor(readonly config: z.output<typeof netLatencySchema>) {}

  describe(): string {
    return `the network to ${this.config.target} adds ${this.config.ms} ms`;
  }

  inject(ctx: FaultContext): Promise<InjectedFault> {
    return injectNetwork(ctx, { latencyMs: this.config.ms });
  }
}
