import { z } from 'zod';
import { parseDuration } from '../util/duration.js';

/** A duration as written in YAML (before parsing); the JSON Schema export describes it by this instance. */
export const durationInput = z.union([z.number(), z.string()]);

/** A duration written as "250ms", "15s", "2m" or a number of seconds; parsed to milliseconds. */
export const duration = durationInput.transform((value, ctx) => {
  const ms = parseDuration(value);
  if (ms === undefined) {
    ctx.addIssue({
      code: 'custom',
      message: `must be a duration such as 500ms, 15s or 2m, got ${JSON.stringify(value)}`,
      input: value,
    });
    return z.NEVER;
  }
  return ms;
});

/** A share between 0 and 1. */
export const share = z.number().min(0).max(1);

/** A version label such as v1. */
export const versionLabel = z
  .string()
  .regex(/^[a-z0-9][a-z0-9._-]{0,30}$/, 'must be a version label like v1 or v2-rc1');

/** A number between `min` and `max` inclusive, whose error names the range ("must be 0–100"). */
export function bounded(min: number, max: number, opts: { int?: boolean } = {}) {
  const what = opts.int ? 'a whole number' : 'a number';
  return z.number({ error: `must be ${what}` }).check(
    z.refine((v: number) => v >= min && v <= max && (!opts.int || Number.isInteger(v)), {
      message: `must be ${opts.int ? 'a whole number ' : ''}${min}–${max}`,
    }),
  );
}
