import { describe, expect, it } from 'vitest';
import { TOGGLE_NAMES } from '../../fixtures/judge-service/src/toggles.js';
import { judgeToggleNames } from '../../sim/scenario/toggle-names.js';

describe('the scenario schema’s copy of the judge service toggle names', () => {
  it('is the judge service’s own list', () => {
    expect([...judgeToggleNames].sort()).toEqual([...TOGGLE_NAMES].sort());
  });
});
