import { z } from 'zod';
import { messageOf } from '../util/errors.js';
import { type Fault, type FaultContext, type InjectedFault, faultBase, pickInstances } from './fault.js';
import { getToggles, putToggles } from './service-toggles.js';

/** Configuration of `http-errors`. */
export const httpErrorsSchema = z.strictObject({
  type: z.literal('http-errors'),
  ...faultBase,
  /** Share of submission and leaderboard requests answered with HTTP 500. */
  rate: z.number().gt(0).max(1),
});

/** The target version answers a share of requests with HTTP 500 (the service's `errorRate` toggle). */
export class HttpErrorsFault implements Fault {
  readonly marker = 'http-errors';

  constructor(readonly config: z.output<typeof httpErrorsSchema>) {}

  describe(): string {
    return `${this.config.target} answers ${(this.config.rate * 100).toFixed(1)}% of requests with HTTP 500`;
  }

  async inject(ctx: FaultContext): Promise<InjectedFault> {
    const targets = pickInstances(ctx.instances(), this.config.share);
    await Promise.all(targets.map((i) => putToggles(i, ctx.serviceToken, { errorRate: this.config.rate })));
    return {
      verify: async () => {
        const states = await Promise.all(
          targets.map(async (i) => {
            try {
              const t = await getToggles(i, ctx.serviceToken);
              return t.errorRate === this.config.rate ? null : `${i.id} reports errorRate=${String(t.errorRate)}`;
            } catch (error) {
              return `${i.id}: ${messageOf(error)}`;
            }
          }),
        );
        const wrong = states.filter((s): s is string => s !== null);
        return wrong.length === 0
          ? { ok: true, detail: `errorRate=${this.config.rate} read back from ${targets.map((i) => i.id).join(', ')}` }
          : { ok: false, detail: wrong.join('; ') };
      },
      revert: async () => {
        await Promise.allSettled(targets.map((i) => putToggles(i, ctx.serviceToken, { errorRate: 0 })));
      },
    };
  }
}
