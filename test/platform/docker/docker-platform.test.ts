import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DockerInstance } from '../../../sim/platform/docker/docker-instance.js';
import { DockerPlatform } from '../../../sim/platform/docker/docker-platform.js';
import type { Deployment, RouterEndpoint } from '../../../sim/platform/platform.js';
import { RouterClient } from '../../../sim/router-client/client.js';
import { nullLogger } from '../../../sim/util/logger.js';
import { tempDir } from '../../helpers/temp-dir.js';
import { noEngine } from './engine-helper.js';

const root = join(import.meta.dirname, '../../..');
const runId = `test-${process.pid}`;
const docker = new Docker();
const accepted = readFileSync(join(root, 'fixtures/problems/binary-search/solutions/accepted.js'), 'utf8');

async function get(
  url: string,
  timeoutMs = 2000,
): Promise<{ status: number; body: string; version: string | null }> {
  const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  return { status: res.status, body: await res.text(), version: res.headers.get('x-judge-version') };
}

describe.skipIf(noEngine !== undefined)('docker platform (live containers)', () => {
  const platform = new DockerPlatform();
  let router: RouterEndpoint;
  let v1: Deployment;
  let v2: Deployment;
  const workdir = tempDir('rehearsal-docker-test-');

  beforeAll(async () => {
    await platform.start({
      runId,
      workdir: tempDir('rehearsal-docker-test-'),
      log: nullLogger,
    });
    router = await platform.startRouter();
    [v1, v2] = await Promise.all([
      platform.deploy({ version: 'v1', replicas: 2, workers: 1 }),
      platform.deploy({ version: 'v2', replicas: 1, workers: 1 }),
    ]);
    await new RouterClient(router.adminUrl, router.token).putRoutes({
      pools: {
        v1: v1.instances.map((i) => ({ id: i.id, url: i.routerUrl })),
        v2: v2.instances.map((i) => ({ id: i.id, url: i.routerUrl })),
      },
      weights: { v1: 100, v2: 0 },
      rules: [{ header: { name: 'x-to', value: 'v2' }, version: 'v2' }],
      sticky: false,
      mirror: null,
      faults: {},
    });
  }, 240_000);

  afterAll(async () => {
    await platform.dispose();
    rmSync(workdir, { recursive: true, force: true });
    const left = await docker.listContainers({
      all: true,
      filters: JSON.stringify({ label: [`rehearsal.run=${runId}`] }),
    });
    expect(left).toEqual([]);
  }, 60_000);

  it('publishes every port on 127.0.0.1 only and labels everything with the run', async () => {
    const containers = await docker.listContainers({
      all: true,
      filters: JSON.stringify({ label: [`rehearsal.run=${runId}`] }),
    });
    expect(containers).toHaveLength(4);
    for (const c of containers) {
      expect(c.Labels.rehearsal).toBe('1');
      for (const p of c.Ports.filter((p) => p.PublicPort)) expect(p.IP).toBe('127.0.0.1');
    }
    const networks = await docker.listNetworks({
      filters: JSON.stringify({ label: [`rehearsal.run=${runId}`] }),
    });
    const volumes = (
      await docker.listVolumes({ filters: JSON.stringify({ label: [`rehearsal.run=${runId}`] }) })
    ).Volumes;
    expect([networks.length, volumes.length]).toEqual([1, 1]);
    if ((await docker.info()).CgroupDriver === 'cgroupfs') {
      // Own top-level cgroups: under contention the containers get the CPU their processes would get locally.
      const judge = await docker
        .getContainer(containers.find((c) => !c.Names[0]!.endsWith('-router'))!.Id)
        .inspect();
      expect([judge.HostConfig.CgroupParent, judge.HostConfig.CpuShares]).toEqual(['/', 2048]);
    }
    expect(platform.describe()).toMatchObject({
      basePath: expect.stringMatching(/^(public-present|public-pulled|local-build)$/),
    });
  });

  it('passes admin tokens as container env, never in the command line', async () => {
    const containers = await docker.listContainers({
      all: true,
      filters: JSON.stringify({ label: [`rehearsal.run=${runId}`] }),
    });
    for (const c of containers) {
      const info = await docker.getContainer(c.Id).inspect();
      const argv = JSON.stringify([info.Path, info.Args, info.Config.Cmd, info.Config.Entrypoint]);
      expect(argv).not.toContain(platform.adminToken);
      expect(argv).not.toContain(router.token);
    }
    const url = v1.instances[0]!.url;
    const toggles = await fetch(`${url}/admin/toggles`, {
      headers: { authorization: `Bearer ${platform.adminToken}` },
    });
    expect(toggles.status).toBe(200);
  });

  it('judges a submission in a container (sandbox under the permission model) and shares the store across versions', async () => {
    const res = await fetch(`${v1.instances[0]!.url}/submissions?wait=true`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        problem_id: 'binary-search',
        source_code: accepted,
        language_id: 63,
        user_id: 'u-1',
      }),
    });
    const created = (await res.json()) as { token: string; verdict: string };
    expect(created.verdict).toBe('accepted');
    const elsewhere = await get(`${v2.instances[0]!.url}/submissions/${created.token}`);
    expect(JSON.parse(elsewhere.body)).toMatchObject({ token: created.token, verdict: 'accepted' });
  });

  it('routes by container name over the run network', async () => {
    expect((await get(`${router.url}/languages`)).version).toBe('v1');
    const viaRule = await fetch(`${router.url}/languages`, { headers: { 'x-to': 'v2' } });
    expect(viaRule.headers.get('x-judge-version')).toBe('v2');
  });

  it('pause freezes an instance until it is resumed', async () => {
    const instance = v2.instances[0]!;
    await instance.pause();
    await expect(get(`${instance.url}/readyz`, 1000)).rejects.toThrow();
    await instance.resume();
    expect((await get(`${instance.url}/readyz`)).status).toBe(200);
  });

  it('disconnect cuts the router off an instance; reconnect restores it', async () => {
    const instance = v2.instances[0] as DockerInstance;
    const viaRouter = (ms: number) =>
      fetch(`${router.url}/languages`, { headers: { 'x-to': 'v2' }, signal: AbortSignal.timeout(ms) }).then(
        (r) => r.status,
        () => 'no answer',
      );
    await instance.disconnect();
    // A partition: packets go nowhere, so the router either hangs (until its upstream timeout) or fails.
    expect(await viaRouter(2000)).not.toBe(200);
    await instance.reconnect();
    let status: number | string = 'no answer';
    for (let i = 0; i < 20 && status !== 200; i++) status = await viaRouter(1000);
    expect(status).toBe(200);
  }, 40_000);

  it('a container that exits during start-up fails the deploy at once with its output', async () => {
    const started = Date.now();
    await expect(
      platform.deploy({ version: 'v3', replicas: 1, toggles: { crashAtStart: true } }),
    ).rejects.toThrow(/exited during start-up \(code 3\)/);
    expect(Date.now() - started).toBeLessThan(20_000);
  }, 40_000);

  it('scales a deployment up (ready containers) and down (containers removed)', async () => {
    await v2.scale(2);
    const added = v2.instances[1] as DockerInstance;
    expect((await get(`${added.url}/readyz`)).status).toBe(200);
    await v2.scale(1);
    expect(v2.instances).toHaveLength(1);
    await expect(added.container.inspect()).rejects.toMatchObject({ statusCode: 404 });
  }, 60_000);

  it('restart keeps the published port; kill stops the container through the engine', async () => {
    const instance = v1.instances[1] as DockerInstance;
    await instance.restart(1000);
    expect((await get(`${instance.url}/readyz`)).status).toBe(200);
    await instance.kill();
    expect((await instance.container.inspect()).State.Running).toBe(false);
    await expect(get(`${instance.url}/readyz`, 1000)).rejects.toThrow();
    expect((await get(`${router.url}/languages`)).status).toBeLessThan(600);
  });
});
