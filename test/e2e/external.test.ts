import { describe, it } from 'vitest';
import { rehearseExternal } from '../helpers/external-run.js';

// The sample judge rehearsed as somebody else's service: each version started from its scenario `command` (own
// process group, `{port}`, `{workdir}` filled in), with router-injected HTTP 500s on one candidate.
describe('external service on local processes (live)', () => {
  it('rolls back the erroring candidate (users hurt) and promotes the healthy one', async () => {
    await rehearseExternal('local');
  }, 120_000);
});
