import { describe, expect, it } from 'vitest';
import { noEngine } from './engine-helper.js';

// Imported after engine-helper has set TESTCONTAINERS_RYUK_DISABLED and TESTCONTAINERS_HOST_OVERRIDE.
const { GenericContainer, Wait } = await import('testcontainers');
const { ensureAppImages } = await import('../../../sim/platform/images/app-images.js');
const { ensureBase } = await import('../../../sim/platform/images/base-image.js');
const { connectEngine } = await import('../../../sim/platform/docker/engine.js');
const { nullLogger } = await import('../../../sim/util/logger.js');

describe.skipIf(noEngine !== undefined)('images (testcontainers)', () => {
  it('the judge service image starts on its own and answers /readyz; the wait needs no shell in the image', async () => {
    const docker = connectEngine();
    const images = await ensureAppImages(docker, await ensureBase(docker, nullLogger));
    const container = await new GenericContainer(images.judge)
      .withCommand(['--version', 'v9', '--instance', 'tc-0'])
      .withEnvironment({ JUDGE_ADMIN_TOKEN: 'secret' })
      .withLabels({ rehearsal: '1', 'rehearsal.run': `images-test-${process.pid}` })
      .withExposedPorts(8080)
      .withWaitStrategy(Wait.forHttp('/readyz', 8080).forStatusCode(200))
      .withStartupTimeout(60_000)
      .start();
    try {
      const res = await fetch(`http://${container.getHost()}:${container.getMappedPort(8080)}/languages`);
      expect(res.status).toBe(200);
      expect(res.headers.get('x-judge-version')).toBe('v9');
      // The base image carries nothing but node: no shell for a wait strategy to lean on.
      const shell = await container.exec(['/bin/sh', '-c', 'true']).catch((e: Error) => e);
      expect(shell instanceof Error || shell.exitCode !== 0).toBe(images.base.path === 'local-build');
    } finally {
      await container.stop({ timeout: 1000 });
    }
  }, 240_000);

  it('the router image runs with no node_modules and its admin API rejects calls without the token', async () => {
    const docker = connectEngine();
    const images = await ensureAppImages(docker, await ensureBase(docker, nullLogger));
    const container = await new GenericContainer(images.router)
      .withEnvironment({ REHEARSAL_ROUTER_TOKEN: 't0ken' })
      .withLabels({ rehearsal: '1', 'rehearsal.run': `images-test-${process.pid}` })
      .withExposedPorts(8000, 8001)
      .withWaitStrategy(Wait.forHttp('/healthz', 8001).forStatusCode(200))
      .start();
    try {
      const res = await fetch(`http://${container.getHost()}:${container.getMappedPort(8001)}/routes`);
      expect(res.status).toBe(401);
    } finally {
      await container.stop({ timeout: 1000 });
    }
  }, 120_000);
});
