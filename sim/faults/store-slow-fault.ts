import { z } from 'zod';
import { type Fault, type FaultContext, faultBase, type InjectedFault } from './fault.js';
import { injectToggles } from './toggle-fault.js';

/** Configuration of `store-slow`. */
export const storeSlowSchema = z.strictObject({
  type: z.literal('store-slow'),
  ...faultBase,
  /** Milliseconds each store-backed request of the target waits. */
  ms: z.number().int().gt(0).max(60_000).default(400),
});

/** The store is slow for the target version (toggle `storeSlowMs`): submissions and leaderboard reads wait. */
export class StoreSlowFault implements Fault {
  readonly marker = 'store-slow';

  constructor(readonly config: z.output<typeof storeSlowSchema>) {}

  describe(): string {
    return `the store answers ${this.config.target} ${this.config.ms} ms late`;
  }

  inject(ctx: FaultContext): Promise<InjectedFault> {
    return injectToggles(ctx, this.config.share, { storeSlowMs: this.config.ms });
  }
}
