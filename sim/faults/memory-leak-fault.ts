import { z } from 'zod';
import { type Fault, type FaultContext, faultBase, type InjectedFault } from './fault.js';
import { counterRises } from './probes.js';
import { injectToggles } from './toggle-fault.js';

/** Configuration of `memory-leak`. */
export const memoryLeakSchema = z.strictObject({
  type: z.literal('memory-leak'),
  ...faultBase,
  /** Megabytes leaked (allocated and filled) per second. */
  mbPerSecond: z.number().gt(0).max(512).default(8),
});

/** The target leaks memory at a steady rate (toggle `leakMbPerSecond`); verified by the leak counter rising. */
export class MemoryLeakFault implements Fault {
  constructor(readonly config: z.output<typeof memoryLeakSchema>) {}

  describe(): string {
    return `${this.config.target} leaks ${this.config.mbPerSecond} MB/s`;
  }

  inject(ctx: FaultContext): Promise<InjectedFault> {
    return injectToggles(
      ctx,
      this.config.share,
      { leakMbPerSecond: this.config.mbPerSecond },
      counterRises('memory-leak', ctx.clock),
    );
  }
}
