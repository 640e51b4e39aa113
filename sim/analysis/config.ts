import { z } from 'zod';
import { duration } from '../vocabulary/scenario-fields.js';
import { burnRateCheckSchema } from './burn-rate-check.js';
import { noDataPolicy } from './check-base.js';
import { mannWhitneyCheckSchema } from './mann-whitney-check.js';
import { perProblemCheckSchema } from './per-problem-check.js';
import { sequentialCheckSchema } from './sequential-check.js';
import { thresholdCheckSchema } from './threshold-check.js';

export { type NoDataPolicy, noDataPolicy } from './check-base.js';
export { type ThresholdCheckConfig, thresholdCheckSchema } from './threshold-check.js';

/** Every kind of check, by the field that names it in YAML. */
const kinds = [
  {
    kind: 'threshold',
    schema: thresholdCheckSchema,
    is: (o: Record<string, unknown>) => 'metric' in o || 'query' in o,
  },
  {
    kind: 'sequential',
    schema: sequentialCheckSchema,
    is: (o: Record<string, unknown>) => 'compare' in o && o.test === 'sequential',
  },
  {
    kind: 'mann-whitney',
    schema: mannWhitneyCheckSchema,
    is: (o: Record<string, unknown>) => 'compare' in o && o.test === 'mann-whitney',
  },
  {
    kind: 'per-problem',
    schema: perProblemCheckSchema,
    is: (o: Record<string, unknown>) => 'compare' in o && o.by === 'problem',
  },
  { kind: 'burn-rate', schema: burnRateCheckSchema, is: (o: Record<string, unknown>) => 'slo' in o },
] as const;

type KindOutput = { [K in (typeof kinds)[number] as K['kind']]: z.output<K['schema']> & { kind: K['kind'] } };

/** One check of any kind, tagged with its `kind` after parsing. */
export type CheckConfig = KindOutput[keyof KindOutput];

/** The schema of each kind of check as written in YAML (for the JSON Schema export). */
export const checkKindSchemas = kinds.map((k) => k.schema);

/**
 * A check: `metric:` (threshold), `compare: …, test: sequential | mann-whitney` (canary vs stable),
 * `compare: rejected_verdicts, by: problem` (canary vs stable problem by problem) or `slo:` (burn rate). The kind is told by those fields, so a problem is reported against that kind's fields.
 */
export const checkSchema = z.unknown().transform((input, ctx): CheckConfig => {
  const o = typeof input === 'object' && input !== null ? (input as Record<string, unknown>) : {};
  const kind = kinds.find((k) => k.is(o));
  if (!kind) {
    ctx.addIssue({
      code: 'custom',
      input,
      message:
        'must be a check: { metric: … } or { query: PromQL } (threshold), { compare: error_rate | rejected_verdicts, test: sequential }, { compare: latency, test: mann-whitney }, { compare: rejected_verdicts, by: problem } or { slo: availability, objective: … }',
    });
    return z.NEVER;
  }
  const parsed = kind.schema.safeParse(input);
  if (!parsed.success) {
    for (const issue of parsed.error.issues)
      ctx.addIssue({ ...issue, path: issue.path } as Parameters<typeof ctx.addIssue>[0]);
    return z.NEVER;
  }
  return { ...parsed.data, kind: kind.kind } as CheckConfig;
});

/** The analysis block of a strategy. */
export const analysisSchema = z.strictObject({
  interval: duration.default(2000),
  initialDelay: duration.default(0),
  window: duration.default(10_000),
  noData: noDataPolicy.default('inconclusive'),
  checks: z.array(checkSchema).default([]),
});

/** Analysis settings as the controller receives them. */
export type AnalysisConfig = z.output<typeof analysisSchema>;
