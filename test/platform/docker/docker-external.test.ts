import Docker from 'dockerode';
import { describe, expect, it } from 'vitest';
import { rehearseExternal } from '../../helpers/external-run.js';
import { noEngine } from './engine-helper.js';

const docker = new Docker();

// The same scenarios as on local, each version now the sample judge's image run as an external container.
describe.skipIf(noEngine !== undefined)('external service on --platform docker (live)', () => {
  it('rolls back the erroring candidate (users hurt), promotes the healthy one, leaves no container', async () => {
    const report = await rehearseExternal('docker');
    for (const s of report.scenarios) {
      const scope = s.platformInfo?.scope;
      expect(scope).toBeTruthy();
      const left = await docker.listContainers({
        all: true,
        filters: JSON.stringify({ label: [`rehearsal.scope=${scope}`] }),
      });
      expect(left).toEqual([]);
    }
  }, 240_000);
});
