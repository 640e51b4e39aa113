import { z } from 'zod';
import { duration } from '../scenario/common.js';
import { metricNames } from '../monitor/metrics.js';

/** What a check does when its query returns no data. */
export const noDataPolicy = z.enum(['fail', 'inconclusive', 'ignore']);

/** A metric compared with a bound over a window (what Flagger and Argo Rollouts do). */
export const thresholdCheckSchema = z
  .strictObject({
    name: z.string().optional(),
    metric: z.enum(metricNames),
    version: z.enum(['candidate', 'stable']).default('candidate'),
    max: z.number().optional(),
    min: z.number().optional(),
    window: duration.optional(),
    failureLimit: z.number().int().min(0).default(0),
    consecutiveFailureLimit: z.number().int().min(1).optional(),
    inconclusiveLimit: z.number().int().min(0).optional(),
    minRequests: z.number().int().min(1).default(10),
    noData: noDataPolicy.optional(),
  })
  .refine((c) => c.max !== undefined || c.min !== undefined, { message: 'needs a bound: max or min', path: ['max'] });

/** The analysis block of a strategy. */
export const analysisSchema = z.strictObject({
  interval: duration.default(2000),
  initialDelay: duration.default(0),
  window: duration.default(10_000),
  noData: noDataPolicy.default('inconclusive'),
  checks: z.array(thresholdCheckSchema).default([]),
});

/** A threshold check as the controller receives it. */
export type ThresholdCheckConfig = z.output<typeof thresholdCheckSchema>;
/** Analysis settings as the controller receives them. */
export type AnalysisConfig = z.output<typeof analysisSchema>;
/** The no-data policy. */
export type NoDataPolicy = z.output<typeof noDataPolicy>;
