import { z } from 'zod';
import { type Fault, type FaultContext, faultBase, type InjectedFault } from './fault.js';
import { injectToggles } from './toggle-fault.js';

/** Configuration of `hang`. */
export const hangSchema = z.strictObject({ type: z.literal('hang'), ...faultBase });

/** How long a probe request waits before the instance counts as hung. */
const PROBE_MS = 800;

/**
 * The target's API requests hang until the fault is reverted; the process stays alive (toggle `hang`).
 * Users give up before a hung response is marked, so it is verified by a probe request that hangs.
 */
export class HangFault implements Fault {
  constructor(readonly config: z.output<typeof hangSchema>) {}

  describe(): string {
    return `${this.config.target} stops answering API requests (they hang; the process lives)`;
  }

  inject(ctx: FaultContext): Promise<InjectedFault> {
    return injectToggles(ctx, this.config.share, { hang: true }, async (i) => {
      const answered = await fetch(`${i.url}/languages`, { signal: AbortSignal.timeout(PROBE_MS) }).then(
        async (res) => {
          await res.arrayBuffer();
          return true;
        },
        () => false,
      );
      return answered ? `${i.id} answered GET /languages within ${PROBE_MS} ms` : null;
    });
  }
}
