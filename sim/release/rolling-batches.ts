import type { WeightHistory } from '../analysis/weight-history.js';
import type { Action } from './actions.js';
import type { ControllerDeps } from './controller-deps.js';
import type { ReleaseState } from './release-state.js';
import { startGated } from './start-gated.js';

/** What a rolling batch works on: the controller's dependencies, release state and routing. */
export interface RollingContext {
  deps: ControllerDeps;
  state: ReleaseState;
  weights: WeightHistory;
  /** Stable instances before the release. */
  stableReplicas: number;
  /** Applies the release state to the route table (and records the weights). */
  route(): Promise<void>;
}

/** One rolling batch: take `unavailable` stable instances out, bring the candidate up (readiness-gated), then retire the rest of the batch. */
export async function rollBatch(
  ctx: RollingContext,
  action: Extract<Action, { kind: 'roll' }>,
  signal: AbortSignal,
): Promise<void> {
  const { deps, state } = ctx;
  const { versions, stable, timeline } = deps;
  const current = state.candidate?.instances.length ?? 0;
  const added = action.candidateReplicas - current;
  const target = Math.max(0, ctx.stableReplicas - action.candidateReplicas);
  await shrinkStable(ctx, Math.max(target, stable.instances.length - action.unavailable), signal);
  const grow = state.candidate
    ? async () => {
        await state.candidate!.scale(action.candidateReplicas);
        return state.candidate!;
      }
    : () =>
        deps.platform.deploy({
          ...deps.specFor?.(versions.candidate),
          version: versions.candidate,
          replicas: added,
        });
  const first = !state.candidate;
  state.candidate = await startGated(deps.clock, grow, action.progressDeadlineMs, signal);
  timeline.add('deploy', `${versions.candidate} at ${state.candidate.instances.length} ready instance(s)`, {
    instances: state.candidate.instances.map((i) => i.id),
  });
  if (first) await deps.afterDeploy?.(state.candidate);
  state.weight = instanceShare(ctx);
  await ctx.route();
  await shrinkStable(ctx, target, signal);
}

async function shrinkStable(ctx: RollingContext, to: number, signal: AbortSignal): Promise<void> {
  const { deps, state } = ctx;
  const { stable, versions, timeline } = deps;
  if (stable.instances.length <= to) return;
  const keep = stable.instances.slice(0, to);
  const c = state.candidate?.instances.length ?? 0;
  state.weight = c + to === 0 ? 0 : Math.round((100 * c) / (c + to));
  await deps.router.update((t) => {
    state.apply(t);
    t.pools[versions.stable] = keep.map((i) => ({ id: i.id, url: i.routerUrl }));
  });
  ctx.weights.set(timeline.now(), state.weight);
  timeline.add(
    'weights',
    `${versions.stable} down to ${to} instance(s) (the rest draining); ${versions.candidate} ${state.weight}%`,
    {
      [versions.stable]: 100 - state.weight,
      [versions.candidate]: state.weight,
    },
  );
  await deps.clock.sleep(deps.drainMs ?? 1000, signal);
  await stable.scale(to);
  state.weight = instanceShare(ctx);
  await ctx.route();
  timeline.add('scaled', `${versions.stable} scaled down to ${to} instance(s)`);
}

function instanceShare(ctx: RollingContext): number {
  const c = ctx.state.candidate?.instances.length ?? 0;
  const s = ctx.deps.stable.instances.length;
  return c + s === 0 ? 0 : Math.round((100 * c) / (c + s));
}
