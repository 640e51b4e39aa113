import { z } from 'zod';
import { duration } from '../../vocabulary/scenario-fields.js';
import type { ApproveRule } from '../actions.js';

/**
 * A manual gate's rule in a rehearsal: `auto`, `reject`, `{ after: 5s }` or `{ whenPassing: 10s }`
 * (approve once an analysis round passes, pause if none does in time); `gate` names it.
 */
export const approveSchema = z
  .union([
    z.enum(['auto', 'reject']),
    z
      .strictObject({
        gate: z.string().optional(),
        after: duration.optional(),
        whenPassing: duration.optional(),
      })
      .refine((o) => (o.after === undefined) !== (o.whenPassing === undefined), {
        message: 'must have exactly one of after, whenPassing',
      }),
  ])
  .transform((a): { gate: string; rule: ApproveRule } => {
    if (a === 'auto') return { gate: 'approval', rule: { kind: 'auto' } };
    if (a === 'reject') return { gate: 'approval', rule: { kind: 'reject' } };
    const gate = a.gate ?? 'approval';
    return a.after !== undefined
      ? { gate, rule: { kind: 'after', ms: a.after } }
      : { gate, rule: { kind: 'when-passing', timeoutMs: a.whenPassing! } };
  });

/** A gate as a plan step. */
export type ApproveStep = z.output<typeof approveSchema>;

/** Adds an issue unless exactly one of `keys` is set on the step. */
export function exactlyOne(keys: string[]) {
  return (s: Record<string, unknown>, ctx: z.RefinementCtx) => {
    const set = Object.keys(s).filter((k) => s[k] !== undefined);
    if (set.length !== 1)
      ctx.addIssue({
        code: 'custom',
        message: `must have exactly one of ${keys.join(', ')}; got ${set.join(', ') || 'none'}`,
      });
  };
}
