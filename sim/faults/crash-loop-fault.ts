import { z } from 'zod';
import { type Fault, type FaultContext, faultBase, type InjectedFault, pickInstances } from './fault.js';
import { health } from './probes.js';
import { putToggles } from './service-toggles.js';
import { injectToggles } from './toggle-fault.js';

/** Configuration of `crash-loop`. */
export const crashLoopSchema = z.strictObject({
  type: z.literal('crash-loop'),
  ...faultBase,
  /** Requests an instance serves before it dies. */
  afterRequests: z.number().int().min(1).default(20),
});

/**
 * The target crashes after a number of requests (toggle `crashAfterRequests`) and, like a supervised
 * process, is restarted, toggle and all, only to crash again (needs a platform that can restart instances).
 */
export class CrashLoopFault implements Fault {
  constructor(readonly config: z.output<typeof crashLoopSchema>) {}

  describe(): string {
    return `${this.config.target} crashes after every ${this.config.afterRequests} requests and is restarted`;
  }

  async inject(ctx: FaultContext): Promise<InjectedFault> {
    const toggles = { crashAfterRequests: this.config.afterRequests };
    const applied = await injectToggles(ctx, this.config.share, toggles);
    const targets = pickInstances(ctx.instances(), this.config.share);
    const stop = new AbortController();
    let restarts = 0;
    const supervise = async () => {
      while (!stop.signal.aborted && !ctx.signal.aborted) {
        for (const i of targets) {
          if (!i.restart || (await health(i, 500)) !== 'refused') continue;
          await i.restart().then(
            () => putToggles(i, ctx.serviceToken, toggles),
            (error: unknown) => ctx.log.debug(`crash-loop: restart of ${i.id} failed: ${String(error)}`),
          );
          restarts++;
        }
        await ctx.clock.sleep(300, stop.signal).catch(() => undefined);
      }
    };
    const loop = supervise();
    return {
      verify: async () => {
        const check = await applied.verify();
        const restartable = targets.every((i) => i.restart);
        return restartable
          ? check
          : {
              ok: false,
              detail: `${check.detail}; but this platform cannot restart instances, so it is a crash, not a loop`,
            };
      },
      revert: async () => {
        stop.abort();
        await loop;
        ctx.log.debug(`crash-loop on ${ctx.version}: ${restarts} restart(s)`);
        await applied.revert();
      },
    };
  }
}
