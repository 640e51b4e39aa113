import type { ScrapeDistortion } from '../monitor/scraper.js';
import type { FaultCheck, FaultContext, InjectedFault } from './fault.js';
import type { FaultSimulation } from './simulation.js';

/** What a monitoring fault sets on the scraper, and the counter movement that shows it working. */
export interface MonitoringAction {
  set: Partial<ScrapeDistortion>;
  /** Read-back of the knob: null when it is in place, else what is wrong. */
  readBack(d: ScrapeDistortion): string | null;
  /** Which scraper counter must move, or stay still, over one scrape interval (unset: read-back only). */
  effect?: { counter: 'scrapes' | 'failures'; moves: boolean };
  describe: string;
}

/** Simulated: the simulated monitoring has the same knobs and counters, so the live code runs on the virtual clock. */
export const scraperKnobsSimulation: FaultSimulation<unknown> = { via: 'monitoring' };

/**
 * Turns a knob of the harness's scraper (the monitoring pipeline is shared by every version), verifies
 * it by reading it back and by watching the scraper's counters over one interval, and turns it back.
 */
export async function injectMonitoring(ctx: FaultContext, action: MonitoringAction): Promise<InjectedFault> {
  const d = ctx.scraper.distortion;
  const before = Object.fromEntries(Object.keys(action.set).map((k) => [k, d[k as keyof ScrapeDistortion]]));
  Object.assign(d, action.set);
  return {
    verify: async (): Promise<FaultCheck> => {
      const wrong = action.readBack(d);
      if (wrong) return { ok: false, detail: `scraper state: ${wrong}` };
      if (!action.effect) return { ok: true, detail: `scraper state read back: ${action.describe}` };
      const { counter, moves } = action.effect;
      // A scrape already in flight when the knob turned may still land: start counting one interval later.
      // (A Prometheus applies changed targets only some seconds later: its `effectDelayMs`.)
      await ctx.clock
        .sleep(ctx.scraper.intervalMs + 100 + (ctx.scraper.effectDelayMs ?? 0), ctx.signal)
        .catch(() => undefined);
      const start = ctx.scraper[counter];
      await ctx.clock.sleep(ctx.scraper.intervalMs * 2 + 200, ctx.signal).catch(() => undefined);
      const moved = ctx.scraper[counter] > start;
      if (moved !== moves)
        return {
          ok: false,
          detail: `scraper ${counter} ${moved ? 'kept rising' : 'did not rise'} over two intervals while ${action.describe}`,
        };
      return {
        ok: true,
        detail: `${action.describe}; scraper ${counter} ${moves ? 'rose' : 'stood still'} over two intervals`,
      };
    },
    revert: async () => {
      Object.assign(d, before);
    },
  };
}
