import { z } from 'zod';
import { pct } from '../util/format.js';
import { type Fault, type FaultContext, faultBase, type InjectedFault } from './fault.js';
import { counterRises } from './probes.js';
import { injectToggles } from './toggle-fault.js';

/** Configuration of `cpu-burn`. */
export const cpuBurnSchema = z.strictObject({
  type: z.literal('cpu-burn'),
  ...faultBase,
  /** Share of the main thread kept busy. */
  load: z.number().gt(0).max(1).default(0.5),
});

/** The target burns a share of its main thread (toggle `cpuBurnShare`): everything it serves slows down. */
export class CpuBurnFault implements Fault {
  constructor(readonly config: z.output<typeof cpuBurnSchema>) {}

  describe(): string {
    return `${this.config.target} keeps ${pct(this.config.load, 0)} of its main thread busy`;
  }

  inject(ctx: FaultContext): Promise<InjectedFault> {
    return injectToggles(
      ctx,
      this.config.share,
      { cpuBurnShare: this.config.load },
      counterRises('cpu-burn', ctx.clock),
    );
  }
}
