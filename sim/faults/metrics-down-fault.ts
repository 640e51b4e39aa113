import { z } from 'zod';
import { type Fault, type FaultContext, faultBase, type InjectedFault } from './fault.js';
import { injectMonitoring } from './monitoring-fault.js';

/** Configuration of `metrics-down`. */
export const metricsDownSchema = z.strictObject({ type: z.literal('metrics-down'), ...faultBase });

/** The metrics endpoints are down: every scrape fails (every version; unlike a gap, failures are counted). */
export class MetricsDownFault implements Fault {
  constructor(readonly config: z.output<typeof metricsDownSchema>) {}

  describe(): string {
    return 'metrics endpoints are down: every scrape fails';
  }

  inject(ctx: FaultContext): Promise<InjectedFault> {
    return injectMonitoring(ctx, {
      set: { down: true },
      readBack: (d) => (d.down ? null : 'down is false'),
      effect: { counter: 'failures', moves: true },
      describe: 'every scrape fails',
    });
  }
}
