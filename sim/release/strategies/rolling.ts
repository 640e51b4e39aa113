import { z } from 'zod';
import { analysisSchema } from '../../analysis/config.js';
import { duration } from '../../vocabulary/scenario-fields.js';
import type { Action } from '../actions.js';
import { approveSchema } from './common.js';

/** A count of instances, or a percentage of the replicas ("25%"). */
const countOrPercent = z.union([
  z.number().int().min(0),
  z.string().regex(/^\d{1,3}%$/, 'must be a whole number or a percentage such as 25%'),
]);

/** Configuration of the rolling strategy (Kubernetes' maxSurge/maxUnavailable, readiness-gated batches). */
export const rollingSchema = z
  .strictObject({
    type: z.literal('rolling'),
    maxSurge: countOrPercent.default('25%'),
    maxUnavailable: countOrPercent.default(0),
    /** A batch whose instances are not ready within this long rolls the release back. */
    progressDeadline: duration.default(20_000),
    /** Analysis after each batch, before the next. */
    analyzeEach: duration.default(6000),
    /** A manual gate after the first batch. */
    approve: approveSchema.optional(),
    analysis: analysisSchema.default(analysisSchema.parse({})),
  })
  .refine((c) => c.maxSurge !== 0 || c.maxUnavailable !== 0, {
    message: 'maxSurge and maxUnavailable cannot both be 0',
    path: ['maxSurge'],
  });

/** The rolling strategy's configuration after defaults. */
export type RollingConfig = z.output<typeof rollingSchema>;

/** Resolves a count or percentage of `replicas` (surge rounds up, unavailable down, as Kubernetes does). */
export function resolveCount(v: number | string, replicas: number, round: 'up' | 'down'): number {
  if (typeof v === 'number') return v;
  const exact = (Number(v.slice(0, -1)) / 100) * replicas;
  return round === 'up' ? Math.ceil(exact) : Math.floor(exact);
}

/** Rolling: replace stable instances by candidate ones in batches, each gated on readiness and analysed. */
export function planRolling(
  config: RollingConfig,
  candidate: { version: string; replicas: number },
): Action[] {
  const r = candidate.replicas;
  const surge = resolveCount(config.maxSurge, r, 'up');
  const unavailable = resolveCount(config.maxUnavailable, r, 'down');
  const batch = Math.max(1, surge + unavailable);
  const actions: Action[] = [];
  for (let n = Math.min(r, batch); ; n = Math.min(r, n + batch)) {
    actions.push({
      kind: 'roll',
      candidateReplicas: n,
      unavailable: Math.min(unavailable, n),
      progressDeadlineMs: config.progressDeadline,
    });
    actions.push({ kind: 'analyze', ms: config.analyzeEach });
    if (n === Math.min(r, batch) && config.approve && n < r)
      actions.push({ kind: 'approve', ...config.approve });
    if (n >= r) break;
  }
  actions.push({ kind: 'promote' });
  return actions;
}
