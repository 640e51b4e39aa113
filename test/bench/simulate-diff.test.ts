import { describe, expect, it } from 'vitest';
import { differences } from '../../bench/simulate-diff.js';

describe('simulate-diff: what moved between two records', () => {
  it('finds nothing in equal records, and names every field that differs, numbers with their relative change', () => {
    const a = { outcome: 'promoted', checks: [{ value: 0.5, message: 'p = 0.5' }, { value: 1 }], n: 3 };
    expect(differences(a, structuredClone(a))).toEqual([]);
    const b = {
      outcome: 'rolled-back',
      checks: [{ value: 0.5 * (1 + 1e-15), message: 'p = 0.5' }, {}],
      n: 3,
    };
    const d = differences(a, b);
    expect(d.map((x) => x.path)).toEqual(['.outcome', '.checks[0].value', '.checks[1].value']);
    expect(d[0]!.relative).toBeUndefined();
    expect(d[1]!.relative).toBeGreaterThan(0);
    expect(d[1]!.relative).toBeLessThan(2e-15);
    // A field missing on one side is a difference, not a number within tolerance.
    expect(d[2]).toMatchObject({ a: 1, b: undefined });
    expect(d[2]!.relative).toBeUndefined();
    expect(differences([1, 2], { 0: 1, 1: 2 })).toHaveLength(1);
    expect(differences(Number.NaN, Number.NaN)).toEqual([]);
  });
});
