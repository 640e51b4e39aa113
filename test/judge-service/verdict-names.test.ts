import { describe, expect, it } from 'vitest';
import { VERDICTS } from '../../fixtures/judge-service/src/verdicts.js';
import { returnedVerdicts } from '../../sim/vocabulary/verdicts.js';

// The judge service may not import the harness (its own program, built into its own image), so both keep the list;
// this is what keeps them one list.
describe('verdict names', () => {
  it('the harness knows exactly the verdicts the judge service returns, in the same order', () => {
    expect([...returnedVerdicts]).toEqual([...VERDICTS]);
  });
});
