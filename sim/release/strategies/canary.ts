import { z } from 'zod';
import { analysisSchema } from '../../analysis/config.js';
import { bounded, duration } from '../../vocabulary/scenario-fields.js';
import type { Action } from '../actions.js';
import { approveSchema, exactlyOne } from './common.js';

const step = z
  .strictObject({
    setWeight: bounded(0, 100).optional(),
    pause: duration.optional(),
    analyze: duration.optional(),
    approve: approveSchema.optional(),
    /** Shadow copies of this share (0–100) of requests to the candidate; 0 stops mirroring. */
    mirror: bounded(0, 100).optional(),
  })
  .superRefine(exactlyOne(['setWeight', 'pause', 'analyze', 'approve', 'mirror']));

/** Configuration of the canary strategy. */
export const canarySchema = z.strictObject({
  type: z.literal('canary'),
  /** Candidate instances (default: service.replicas). */
  replicas: z.number().int().min(1).max(16).optional(),
  /** Run a fresh baseline of stable, of the canary's size and weight, and compare the canary with it. */
  baseline: z.boolean().default(false),
  steps: z.array(step).min(1),
  analysis: analysisSchema.default(analysisSchema.parse({})),
});

/** The canary strategy's configuration after defaults. */
export type CanaryConfig = z.output<typeof canarySchema>;

/** Canary: deploy the candidate (and a baseline) beside stable, then walk the steps; promotion at the end. */
export function planCanary(config: CanaryConfig, candidate: { version: string; replicas: number }): Action[] {
  const replicas = config.replicas ?? candidate.replicas;
  const actions: Action[] = [{ kind: 'deploy', version: candidate.version, replicas }];
  if (config.baseline) actions.push({ kind: 'deployBaseline', replicas });
  for (const s of config.steps) {
    if (s.setWeight !== undefined) actions.push({ kind: 'setWeight', weight: s.setWeight });
    else if (s.pause !== undefined) actions.push({ kind: 'pause', ms: s.pause });
    else if (s.analyze !== undefined) actions.push({ kind: 'analyze', ms: s.analyze });
    else if (s.approve !== undefined) actions.push({ kind: 'approve', ...s.approve });
    else if (s.mirror !== undefined) actions.push({ kind: 'mirror', percent: s.mirror });
  }
  actions.push({ kind: 'promote' });
  return actions;
}
