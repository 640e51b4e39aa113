import type { Instance } from '../platform/platform.js';
import { checkAll, type FaultCheck, type FaultContext, type InjectedFault, pickInstances } from './fault.js';
import { eventually, health } from './probes.js';
import type { FaultSimulation } from './simulation.js';

/** What an instance fault does to one instance, the state it leaves it in, and how to undo it. */
export interface InstanceAction {
  apply(i: Instance): Promise<void>;
  /** The `/healthz` state that shows the action took effect. */
  expect: 'refused' | 'silent' | 'up';
  undo?(i: Instance): Promise<void>;
}

/** Applies an action to the chosen share of the target's instances; verified by probing each one's health. */
export async function injectOnInstances(
  ctx: FaultContext,
  share: number,
  action: InstanceAction,
): Promise<InjectedFault> {
  const targets = pickInstances(ctx.instances(), share);
  if (ctx.instances().length === 0) throw new Error(`${ctx.version} has no running instance to fault`);
  await Promise.all(targets.map((i) => action.apply(i)));
  let undone = false;
  return {
    verify: async (): Promise<FaultCheck> => {
      const problems = await Promise.all(
        targets.map(async (i) => {
          let last = '';
          const ok = await eventually(
            async () => {
              last = await health(i, 800);
              return last === action.expect;
            },
            3000,
            ctx.clock,
          );
          return ok ? null : `${i.id}: /healthz ${last}, expected ${action.expect}`;
        }),
      );
      const what = {
        refused: 'refuses connections (dead)',
        silent: 'accepts connections but never answers (frozen)',
        up: 'answers again',
      }[action.expect];
      return checkAll(problems, `${targets.map((i) => i.id).join(', ')} ${what}`);
    },
    revert: async () => {
      if (undone || !action.undo) return;
      undone = true;
      await Promise.allSettled(targets.map((i) => action.undo!(i)));
    },
  };
}

/**
 * Simulated (kill, capacity-loss): killed or lost instances fail their readiness probes and leave the
 * pool; revert brings them back.
 */
export const lostInstancesSimulation: FaultSimulation<unknown> = {
  via: 'service',
  effect: (_c, affected) => ({ instancesLost: affected }),
};

/** Restarts an instance if the platform can; otherwise leaves it dead. */
export async function restartIfPossible(i: Instance): Promise<void> {
  await i.restart?.();
}
