import { z } from 'zod';
import { type Fault, type FaultContext, faultBase, type InjectedFault } from './fault.js';
import { injectMonitoring } from './monitoring-fault.js';

/** Configuration of `scrape-gap`. */
export const scrapeGapSchema = z.strictObject({ type: z.literal('scrape-gap'), ...faultBase });

/** Monitoring goes blind: no scrape happens while it lasts (every version; `target` and `share` do not apply). */
export class ScrapeGapFault implements Fault {
  constructor(readonly config: z.output<typeof scrapeGapSchema>) {}

  describe(): string {
    return 'monitoring is blind: no scrape happens';
  }

  inject(ctx: FaultContext): Promise<InjectedFault> {
    return injectMonitoring(ctx, {
      set: { blind: true },
      readBack: (d) => (d.blind ? null : 'blind is false'),
      effect: { counter: 'scrapes', moves: false },
      describe: 'the scraper is blind',
    });
  }
}
