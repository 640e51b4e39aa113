import { z } from 'zod';
import { analysisSchema } from '../../analysis/config.js';
import { bounded, duration } from '../../vocabulary/scenario-fields.js';
import type { Action } from '../actions.js';
import { approveSchema } from './common.js';

const stage = z.strictObject({
  /** User segments (x-user-segment) that get the candidate, e.g. internal, vip. */
  segments: z.array(z.string().min(1)).default([]),
  /** Users whose id hashes into buckets [0, bucket) of 0–99 get the candidate too. */
  bucket: bounded(0, 100, { int: true }).default(0),
  analyze: duration,
  approve: approveSchema.optional(),
});

const defaultStages = [
  { segments: ['internal'], bucket: 0, analyze: 5000 },
  { segments: ['internal', 'vip'], bucket: 0, analyze: 5000 },
  { segments: ['internal', 'vip'], bucket: 25, analyze: 5000 },
  { segments: ['internal', 'vip'], bucket: 100, analyze: 5000 },
];

/** Configuration of the segment strategy: chosen users first, then user-id buckets up to everyone. */
export const segmentSchema = z.strictObject({
  type: z.literal('segment'),
  stages: z.array(stage).min(1).default(defaultStages),
  analysis: analysisSchema.default(analysisSchema.parse({})),
});

/** The segment strategy's configuration after defaults. */
export type SegmentConfig = z.output<typeof segmentSchema>;

/** Segment: each stage routes more users to the candidate by rule (sticky per user), then analyses; promotion at the end. */
export function planSegment(
  config: SegmentConfig,
  candidate: { version: string; replicas: number },
): Action[] {
  const actions: Action[] = [{ kind: 'deploy', version: candidate.version, replicas: candidate.replicas }];
  for (const s of config.stages) {
    actions.push({ kind: 'segments', segments: s.segments, bucket: s.bucket });
    actions.push({ kind: 'analyze', ms: s.analyze });
    if (s.approve) actions.push({ kind: 'approve', ...s.approve });
  }
  actions.push({ kind: 'promote' });
  return actions;
}
