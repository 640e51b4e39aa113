import { z } from 'zod';
import { duration } from '../vocabulary/scenario-fields.js';
import {
  checkAll,
  type Fault,
  type FaultContext,
  faultBase,
  type InjectedFault,
  pickInstances,
} from './fault.js';
import { eventually } from './probes.js';
import { putToggles } from './service-toggles.js';

/** Configuration of `readiness-flap`. */
export const readinessFlapSchema = z.strictObject({
  type: z.literal('readiness-flap'),
  ...faultBase,
  /** Time between flips of readiness. */
  period: duration.default(2000),
});

/** The target's readiness probe flips between ready and not ready (toggle `readinessFailing`). */
export class ReadinessFlapFault implements Fault {
  constructor(readonly config: z.output<typeof readinessFlapSchema>) {}

  describe(): string {
    return `${this.config.target} flips readiness every ${this.config.period / 1000}s`;
  }

  async inject(ctx: FaultContext): Promise<InjectedFault> {
    const targets = pickInstances(ctx.instances(), this.config.share);
    const stop = new AbortController();
    let failing = true;
    const set = (on: boolean) =>
      Promise.allSettled(
        targets.map((i) => putToggles(i, ctx.serviceToken, { readinessFailing: on ? true : null })),
      );
    await set(true);
    const flap = (async () => {
      while (!stop.signal.aborted && !ctx.signal.aborted) {
        await ctx.clock.sleep(this.config.period, stop.signal).catch(() => undefined);
        if (stop.signal.aborted) return;
        failing = !failing;
        await set(failing);
      }
    })();
    const seen = async (i: { url: string }, status: number) => {
      const res = await fetch(`${i.url}/readyz`, { signal: AbortSignal.timeout(1000) }).catch(
        () => undefined,
      );
      await res?.arrayBuffer();
      return (
        res?.status === status && (status === 200 || res.headers.get('x-rehearsal-fault') === 'readiness')
      );
    };
    return {
      verify: async () => {
        const window = this.config.period * 2 + 1000;
        const problems = await Promise.all(
          targets.map(async (i) => {
            const down = await eventually(() => seen(i, 503), window, ctx.clock);
            const up = down && (await eventually(() => seen(i, 200), window, ctx.clock));
            return down && up
              ? null
              : `${i.id}: /readyz ${down ? 'never came back' : 'never reported not ready with the readiness marker'}`;
          }),
        );
        return checkAll(
          problems,
          `/readyz of ${targets.map((i) => i.id).join(', ')} went 503 (marked readiness) and back to 200`,
        );
      },
      revert: async () => {
        stop.abort();
        await flap;
        await set(false);
      },
    };
  }
}
