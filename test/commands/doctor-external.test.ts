import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp-dir.js';
import { noEngine } from '../platform/docker/engine-helper.js';

describe.skipIf(noEngine !== undefined)(
  'rehearse doctor with scenarios: can each platform start their external services',
  () => {
    it('says which image is missing for docker, and that local can run the commands', async () => {
      const dir = tempDir('rehearsal-doctor-ext-');
      const file = join(dir, 'missing-image.yaml');
      const shipped = readFileSync('scenarios/external-canary-healthy.yaml', 'utf8');
      // v2's image only: v1 keeps the sample's.
      const text = shipped
        .replace('name: external-canary-healthy', 'name: doctor-missing-image')
        .replace(/(v2:[\s\S]*?image: )rehearsal\/judge-service:sample/, '$1rehearsal-test/absent-judge:9');
      expect(text).toContain('rehearsal-test/absent-judge:9');
      writeFileSync(file, text);
      const { stdout } = await runCli(['doctor', file]);
      expect(stdout).toMatch(/^ok {2}local {3}external services: 2 version\(s\) can start$/m);
      expect(stdout).toMatch(
        /^no {2}docker {2}.*missing-image\.yaml: service\.versions\.v2: image rehearsal-test\/absent-judge:9 not found locally \(nothing is pulled/m,
      );
      expect(stdout).not.toMatch(/service\.versions\.v1: image/);
    }, 30_000);
  },
);
