import { z } from 'zod';
import { type Fault, type FaultContext, faultBase, type InjectedFault } from './fault.js';
import { injectToggles } from './toggle-fault.js';

/** Configuration of `store-unavailable`. */
export const storeUnavailableSchema = z.strictObject({ type: z.literal('store-unavailable'), ...faultBase });

/** The store is unreachable from the target (toggle `storeUnavailable`): store-backed requests fail with 503. */
export class StoreUnavailableFault implements Fault {
  readonly marker = 'store-unavailable';

  constructor(readonly config: z.output<typeof storeUnavailableSchema>) {}

  describe(): string {
    return `the store is unreachable from ${this.config.target}`;
  }

  inject(ctx: FaultContext): Promise<InjectedFault> {
    return injectToggles(ctx, this.config.share, { storeUnavailable: true });
  }
}
