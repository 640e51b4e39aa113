import { z } from 'zod';
import { type Fault, type FaultContext, type InjectedFault, faultBase } from './fault.js';
import { injectToggles } from './toggle-fault.js';

/** Configuration of `hang`. */
export const hangSchema = z.strictObject({ type: z.literal('hang'), ...faultBase });

/** The target's API requests hang until the fault is reverted; the process stays alive (toggle `hang`). */
export class HangFault implements Fault {
  readonly marker = 'hang';

  constructor(readonly config: z.output<typeof hangSchema>) {}

  describe(): string {
    return `${this.config.target} stops answering API requests (they hang; the process lives)`;
  }

  inject(ctx: FaultContext): Promise<InjectedFault> {
    return injectToggles(ctx, this.config.share, { hang: true });
  }
}
