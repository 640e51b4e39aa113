import { z } from 'zod';
import { pct } from '../util/format.js';
import { type Fault, type FaultContext, faultBase, type InjectedFault } from './fault.js';
import { injectNetwork } from './network-fault.js';
import type { FaultSimulation } from './simulation.js';
import { injectToggles } from './toggle-fault.js';

/** Configuration of `latency`: every request (`fixed`) or only a share of them (`tail`). */
export const latencySchema = z.strictObject({
  type: z.literal('latency'),
  ...faultBase,
  /** Extra milliseconds per affected request. */
  ms: z.number().int().gt(0).max(60_000),
  /** `fixed`: every request; `tail`: only `requests` of them (a fat tail). */
  mode: z.enum(['fixed', 'tail']).default('fixed'),
  /** With `tail`: share of requests delayed. */
  requests: z.number().gt(0).max(1).default(0.05),
});

/** Simulated: the delay on the share of requests it hits (the tail's share of the affected instances' requests). */
export const latencySimulation: FaultSimulation<z.output<typeof latencySchema>> = {
  via: 'service',
  effect: (c, affected) =>
    c.mode === 'tail'
      ? { extraLatencyMs: c.ms, latencyShare: c.requests * affected }
      : { extraLatencyMs: c.ms, latencyShare: affected },
};

/** The target version answers slower: all requests, or only a tail (toggles `extraLatencyMs` / `tailLatency`). */
export class LatencyFault implements Fault {
  readonly marker: string;

  constructor(readonly config: z.output<typeof latencySchema>) {
    this.marker = config.mode === 'tail' ? 'tail-latency' : 'latency';
  }

  describe(): string {
    const { mode, ms, requests, target } = this.config;
    return mode === 'tail'
      ? `${target} adds ${ms} ms to ${pct(requests)} of requests`
      : `${target} adds ${ms} ms to every request`;
  }

  inject(ctx: FaultContext): Promise<InjectedFault> {
    const { mode, ms, requests } = this.config;
    // A service without toggles: the router delays the same share itself before forwarding, marked alike
    // (a share below 1 is `tail-latency`; the scenario refuses a tail of every request there).
    if (ctx.noToggles) {
      const delayRate = mode === 'tail' ? requests : 1;
      return injectNetwork(ctx, { delayMs: ms, delayRate }, { fault: this.marker, withinMs: 5000 + ms });
    }
    const toggles = mode === 'tail' ? { tailLatency: { share: requests, ms } } : { extraLatencyMs: ms };
    return injectToggles(ctx, this.config.share, toggles);
  }
}
