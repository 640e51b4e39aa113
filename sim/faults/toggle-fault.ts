import { messageOf } from '../util/errors.js';
import { checkAll, type FaultCheck, type FaultContext, type InjectedFault, pickInstances } from './fault.js';
import { getToggles, putToggles } from './service-toggles.js';

/** An extra check after the toggles read back right: an observable effect on one instance (null = seen). */
export type EffectCheck = (instance: { id: string; url: string }) => Promise<string | null>;

/**
 * Sets behaviour toggles on the chosen share of the target's instances and returns a fault that reads
 * them back (and, if given, checks an observable effect) and clears them on revert.
 */
export async function injectToggles(
  ctx: FaultContext,
  share: number,
  toggles: Record<string, unknown>,
  effect?: EffectCheck,
): Promise<InjectedFault> {
  const targets = pickInstances(ctx.instances(), share);
  if (targets.length === 0 || ctx.instances().length === 0)
    throw new Error(`${ctx.version} has no running instance to fault`);
  await Promise.all(targets.map((i) => putToggles(i, ctx.serviceToken, toggles)));
  const shown = Object.entries(toggles)
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
    .join(' ');
  return {
    verify: async (): Promise<FaultCheck> => {
      const problems = await Promise.all(
        targets.map(async (i) => {
          try {
            const now = await getToggles(i, ctx.serviceToken);
            const off = Object.entries(toggles).filter(
              ([k, v]) => JSON.stringify(now[k]) !== JSON.stringify(v),
            );
            if (off.length > 0)
              return `${i.id} reports ${off.map(([k]) => `${k}=${JSON.stringify(now[k])}`).join(' ')}`;
            return effect ? await effect(i) : null;
          } catch (error) {
            return `${i.id}: ${messageOf(error)}`;
          }
        }),
      );
      return checkAll(
        problems,
        `${shown} read back from ${targets.map((i) => i.id).join(', ')}${effect ? ' and its effect observed' : ''}`,
      );
    },
    revert: async () => {
      const cleared = Object.fromEntries(Object.keys(toggles).map((k) => [k, null]));
      await Promise.allSettled(targets.map((i) => putToggles(i, ctx.serviceToken, cleared)));
    },
  };
}
