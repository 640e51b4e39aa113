import { z } from 'zod';
import { duration } from '../vocabulary/scenario-fields.js';
import { type Fault, type FaultContext, faultBase, type InjectedFault } from './fault.js';
import { injectMonitoring } from './monitoring-fault.js';

/** Configuration of `stale-metrics`. */
export const staleMetricsSchema = z.strictObject({
  type: z.literal('stale-metrics'),
  ...faultBase,
  /** How late samples reach the store. */
  delay: duration.default(10_000),
});

/** Metrics arrive late: samples reach the store `delay` after they were taken (every version). */
export class StaleMetricsFault implements Fault {
  constructor(readonly config: z.output<typeof staleMetricsSchema>) {}

  describe(): string {
    return `metrics reach monitoring ${this.config.delay / 1000}s late`;
  }

  inject(ctx: FaultContext): Promise<InjectedFault> {
    const delay = this.config.delay;
    return injectMonitoring(ctx, {
      set: { delayMs: delay },
      readBack: (d) => (d.delayMs === delay ? null : `delayMs is ${d.delayMs}, expected ${delay}`),
      effect: { counter: 'scrapes', moves: true },
      describe: `samples are stored ${delay} ms after they are taken`,
    });
  }
}
