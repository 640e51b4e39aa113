import { existsSync } from 'node:fs';
import { join } from 'node:path';
import Docker from 'dockerode';
import { afterAll, describe, expect, it } from 'vitest';
import { DockerPlatform } from '../../../sim/platform/docker/docker-platform.js';
import { SAMPLE_IMAGE } from '../../../sim/platform/images/app-images.js';
import { KindPlatform } from '../../../sim/platform/kind/kind-platform.js';
import type { ExternalStart } from '../../../sim/platform/platform.js';
import { nullLogger } from '../../../sim/util/logger.js';
import { tempDir } from '../../helpers/temp-dir.js';
import { noEngine } from './engine-helper.js';

const docker = new Docker();
const runId = `test-ext-${process.pid}`;
const ours = (kind: 'containers' | 'networks') =>
  kind === 'containers'
    ? docker.listContainers({ all: true, filters: JSON.stringify({ label: [`rehearsal.run=${runId}`] }) })
    : docker.listNetworks({ filters: JSON.stringify({ label: [`rehearsal.run=${runId}`] }) });

const ext = (more: Partial<ExternalStart>): ExternalStart => ({
  file: 'scenarios/mine.yaml',
  port: 8080,
  liveness: '/healthz',
  readiness: '/readyz',
  env: {},
  startupTimeoutMs: 20_000,
  ...more,
});

describe('kind platform and external services', () => {
  it('refuses them at start, before looking for tools or making a cluster', async () => {
    const workdir = join(tempDir('rehearsal-kind-ext-'), 'run');
    const external = [{ version: 'v2', start: ext({ image: 'my-judge:2' }) }];
    const error = await new KindPlatform()
      .start({ runId: 'x', workdir, log: nullLogger, external })
      .catch((e) => e);
    expect(error.message).toMatch(
      /scenarios\/mine\.yaml: service\.versions\.v2: external services are not supported on the kind platform yet/,
    );
    expect(error.hint).toMatch(/--platform local .*--platform docker/);
    expect(existsSync(workdir)).toBe(false);
  });
});

describe.skipIf(noEngine !== undefined)('docker platform: an external version from a local image', () => {
  const platforms: DockerPlatform[] = [];
  afterAll(async () => {
    await Promise.all(platforms.map((p) => p.dispose()));
    expect(await ours('containers')).toEqual([]);
  }, 60_000);

  it('refuses a missing image at start, naming it, before any network is made', async () => {
    const p = new DockerPlatform();
    platforms.push(p);
    const missing = 'rehearsal-test/no-such-judge:0.0.0';
    const external = [{ version: 'v2', start: ext({ image: missing }) }];
    await expect(
      p.start({ runId, workdir: tempDir('rehearsal-docker-ext-'), log: nullLogger, external }),
    ).rejects.toThrow(
      new RegExp(`service\\.versions\\.v2: image ${missing} not found locally \\(nothing is pulled`),
    );
    expect(await p.checkExternal(external)).toHaveLength(1);
    expect(await ours('networks')).toEqual([]);
  }, 120_000);

  it('starts the sample image as an external container; one never ready is removed with a clear error', async () => {
    const p = new DockerPlatform();
    platforms.push(p);
    const image = `${SAMPLE_IMAGE.repo}:${SAMPLE_IMAGE.tag}`;
    const good = ext({ image, env: { JUDGE_VERSION: 'v2', JUDGE_INSTANCE: '{instance}' } });
    await p.start({
      runId,
      workdir: tempDir('rehearsal-docker-ext-'),
      log: nullLogger,
      external: [{ version: 'v2', start: good }],
    });
    const d = await p.deploy({ version: 'v2', replicas: 1, external: good });
    const health = (await (await fetch(`${d.instances[0]!.url}/healthz`)).json()) as Record<string, string>;
    expect(health).toMatchObject({ version: 'v2', instance: 'v2-0' });
    expect(d.instances[0]!.routerUrl).toMatch(/:8080$/);
    expect([d.instances[0]!.readinessPath, d.instances[0]!.livenessPath]).toEqual(['/readyz', '/healthz']);

    const never = ext({ image, readiness: '/never-ready', startupTimeoutMs: 1500 });
    await expect(p.deploy({ version: 'v3', replicas: 1, external: never })).rejects.toThrow(
      /scenarios\/mine\.yaml: service\.versions\.v3: container .*v3-0 \(rehearsal\/judge-service:sample\) did not become ready: .*\/never-ready not ready within 1500 ms \(last: HTTP 404\)/,
    );
    const names = (await ours('containers')).map((c) => c.Names[0]);
    expect(names.some((n) => n?.endsWith('-v2-0'))).toBe(true);
    expect(names.some((n) => n?.endsWith('-v3-0'))).toBe(false);
    await d.stop();
  }, 120_000);
});
