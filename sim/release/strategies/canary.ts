import { z } from 'zod';
import { analysisSchema } from '../../analysis/config.js';
import { bounded, duration } from '../../scenario/common.js';
import type { Action } from '../actions.js';

const step = z
  .strictObject({
    setWeight: bounded(0, 100).optional(),
    pause: duration.optional(),
    analyze: duration.optional(),
  })
  .superRefine((s, ctx) => {
    const keys = Object.keys(s).filter((k) => (s as Record<string, unknown>)[k] !== undefined);
    if (keys.length !== 1) {
      ctx.addIssue({ code: 'custom', message: `must have exactly one of setWeight, pause, analyze; got ${keys.join(', ') || 'none'}` });
    }
  });

/** Configuration of the canary strategy. */
export const canarySchema = z.strictObject({
  type: z.literal('canary'),
  steps: z.array(step).min(1),
  analysis: analysisSchema.default(analysisSchema.parse({})),
});

/** The canary strategy's configuration after defaults. */
export type CanaryConfig = z.output<typeof canarySchema>;

/** Canary: deploy the candidate beside stable, then walk the steps; promotion at the end. */
export function planCanary(config: CanaryConfig, candidate: { version: string; replicas: number }): Action[] {
  const actions: Action[] = [{ kind: 'deploy', version: candidate.version, replicas: candidate.replicas }];
  for (const s of config.steps) {
    if (s.setWeight !== undefined) actions.push({ kind: 'setWeight', weight: s.setWeight });
    else if (s.pause !== undefined) actions.push({ kind: 'pause', ms: s.pause });
    else if (s.analyze !== undefined) actions.push({ kind: 'analyze', ms: s.analyze });
  }
  actions.push({ kind: 'promote' });
  return actions;
}
