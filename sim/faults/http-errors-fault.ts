import { z } from 'zod';
import { pct } from '../util/format.js';
import { type Fault, type FaultContext, faultBase, type InjectedFault } from './fault.js';
import { injectNetwork } from './network-fault.js';
import type { FaultSimulation } from './simulation.js';
import { injectToggles } from './toggle-fault.js';

/** Configuration of `http-errors`. */
export const httpErrorsSchema = z.strictObject({
  type: z.literal('http-errors'),
  ...faultBase,
  /** Share of submission and leaderboard requests answered with HTTP 500. */
  rate: z.number().gt(0).max(1),
});

/** Simulated: the share of requests answered 500, scaled by the share of instances that have the toggle. */
export const httpErrorsSimulation: FaultSimulation<z.output<typeof httpErrorsSchema>> = {
  via: 'service',
  effect: (c, affected) => ({ errorRate: c.rate * affected }),
};

/** The target version answers a share of requests with HTTP 500 (the service's `errorRate` toggle). */
export class HttpErrorsFault implements Fault {
  readonly marker = 'http-errors';

  constructor(readonly config: z.output<typeof httpErrorsSchema>) {}

  describe(): string {
    return `${this.config.target} answers ${pct(this.config.rate)} of requests with HTTP 500`;
  }

  inject(ctx: FaultContext): Promise<InjectedFault> {
    // A service without toggles: the router answers the share itself, marked, at the same rate.
    if (ctx.noToggles)
      return injectNetwork(ctx, { errorRate: this.config.rate }, { fault: this.marker, withinMs: 5000 });
    return injectToggles(ctx, this.config.share, { errorRate: this.config.rate });
  }
}
