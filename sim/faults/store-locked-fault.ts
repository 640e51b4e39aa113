import { z } from 'zod';
import { type Fault, type FaultContext, faultBase, type InjectedFault } from './fault.js';
import { injectToggles } from './toggle-fault.js';

/** Configuration of `store-locked`. */
export const storeLockedSchema = z.strictObject({ type: z.literal('store-locked'), ...faultBase });

/** The store is locked for the target's writers (toggle `storeLocked`): submissions fail after a busy wait, reads work. */
export class StoreLockedFault implements Fault {
  readonly marker = 'store-locked';

  constructor(readonly config: z.output<typeof storeLockedSchema>) {}

  describe(): string {
    return `the store is locked for ${this.config.target}'s writes (SQLITE_BUSY after 1 s)`;
  }

  inject(ctx: FaultContext): Promise<InjectedFault> {
    return injectToggles(ctx, this.config.share, { storeLocked: true });
  }
}
