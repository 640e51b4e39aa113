import { z } from 'zod';
import { judgeMetrics } from '../monitor/metric-names.js';
import { pct } from '../util/format.js';
import { type Fault, type FaultContext, faultBase, type InjectedFault, noFault } from './fault.js';
import { injectOnInstances } from './instance-fault.js';
import { readMetric } from './probes.js';

/** Configuration of `restart`. */
export const restartSchema = z.strictObject({ type: z.literal('restart'), ...faultBase });

/** Restarts a share of the target's instances (kill, then start again at the same address): in-flight work is lost. */
export class RestartFault implements Fault {
  constructor(readonly config: z.output<typeof restartSchema>) {}

  describe(): string {
    return `restart ${pct(this.config.share, 0)} of ${this.config.target}'s instances`;
  }

  async inject(ctx: FaultContext): Promise<InjectedFault> {
    const before = new Map<string, number | undefined>();
    const applied = await injectOnInstances(ctx, this.config.share, {
      apply: async (i) => {
        if (!i.restart) throw new Error(`this platform cannot restart ${i.id}`);
        before.set(i.url, await readMetric(i.url, judgeMetrics.processStartTime));
        await i.restart();
      },
      expect: 'up',
    });
    return {
      verify: async () => {
        const check = await applied.verify();
        if (!check.ok) return check;
        const same: string[] = [];
        for (const [url, start] of before)
          if (start !== undefined && (await readMetric(url, judgeMetrics.processStartTime)) === start)
            same.push(url);
        return same.length === 0
          ? { ok: true, detail: `${check.detail}, with a new process start time` }
          : { ok: false, detail: `same process start time at ${same.join(', ')}: not restarted` };
      },
      revert: noFault.revert,
    };
  }
}
