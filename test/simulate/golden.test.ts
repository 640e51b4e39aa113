import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type GoldenResult, goldenCases, goldenResults } from '../../bench/simulate-golden.js';
import { packageRoot } from '../../sim/util/paths.js';

// The golden file was written by the engine before it was made faster; regenerating it is for intended changes of
// results only (the command is in bench/simulate-golden.ts).
const golden = JSON.parse(
  readFileSync(join(packageRoot, 'test/fixtures/simulate-golden.json'), 'utf8'),
) as GoldenResult[];

describe('the simulator gives the golden results, byte for byte', () => {
  it('covers every golden case', () => {
    expect(golden.map((g) => g.file)).toEqual(goldenCases.map((c) => c.file));
  });

  it('reproduces every report number and every run record of the golden file', async () => {
    const now = await goldenResults();
    for (const [i, want] of golden.entries()) {
      const got = now[i]!;
      // Per run first, so that a difference names its scenario, policy and seed.
      for (const [policy, runs] of Object.entries(want.runs))
        expect(got.runs[policy], `${want.file} ${policy}`).toEqual(runs);
      expect(JSON.stringify(got.simulation), want.file).toBe(JSON.stringify(want.simulation));
    }
    expect(JSON.stringify(now, null, 1)).toBe(JSON.stringify(golden, null, 1));
  }, 60_000);
});
