import { z } from 'zod';
import { type Fault, type FaultContext, faultBase, type InjectedFault } from './fault.js';
import { injectMonitoring } from './monitoring-fault.js';

/** Configuration of `wrong-labels`. */
export const wrongLabelsSchema = z.strictObject({ type: z.literal('wrong-labels'), ...faultBase });

/** The target's samples arrive with a wrong `version` label: queries for it return nothing. */
export class WrongLabelsFault implements Fault {
  constructor(readonly config: z.output<typeof wrongLabelsSchema>) {}

  describe(): string {
    return `${this.config.target}'s metrics carry a wrong version label`;
  }

  inject(ctx: FaultContext): Promise<InjectedFault> {
    const from = ctx.version;
    const to = `${from}-mislabelled`;
    const relabel = (labels: Record<string, string>) =>
      labels.version === from ? { ...labels, version: to } : labels;
    return injectMonitoring(ctx, {
      set: { relabel },
      readBack: (d) =>
        d.relabel?.({ version: from }).version === to ? null : `version=${from} is not relabelled`,
      effect: { counter: 'scrapes', moves: true },
      describe: `version=${from} is stored as version=${to}`,
    });
  }
}
