import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DockerPlatform } from '../../../sim/platform/docker/docker-platform.js';
import { nullLogger } from '../../../sim/util/logger.js';
import { tempDir } from '../../helpers/temp-dir.js';
import { noEngine } from './engine-helper.js';

const runId = `test-undo-${process.pid}`;
const docker = new Docker();
const ours = () =>
  docker.listContainers({ all: true, filters: JSON.stringify({ label: [`rehearsal.run=${runId}`] }) });

/** Kills the container whose name ends with `suffix` as soon as it runs (polling the engine; a created one cannot be killed). */
function killWhenSeen(suffix: string): () => void {
  let done = false;
  const timer = setInterval(async () => {
    if (done) return;
    const c = (await ours()).find((x) => x.State === 'running' && x.Names.some((n) => n.endsWith(suffix)));
    if (!c || done) return;
    done = true;
    await docker
      .getContainer(c.Id)
      .kill({ signal: 'SIGKILL' })
      .catch(() => undefined);
  }, 30);
  return () => {
    done = true;
    clearInterval(timer);
  };
}

describe.skipIf(noEngine !== undefined)('docker platform: a partial start is undone (live engine)', () => {
  const platform = new DockerPlatform();

  beforeAll(async () => {
    await platform.start({
      runId,
      workdir: tempDir('rehearsal-docker-undo-'),
      log: nullLogger,
    });
  }, 600_000);

  afterAll(async () => {
    await platform.dispose();
    expect(await ours()).toEqual([]);
  }, 60_000);

  it('one container of two killed during start-up: deploy fails and no container of it is left', async () => {
    const stop = killWhenSeen('-v1-1');
    try {
      await expect(platform.deploy({ version: 'v1', replicas: 2, workers: 1 })).rejects.toThrow(
        /exited during start-up|not ready/,
      );
    } finally {
      stop();
    }
    expect((await ours()).map((c) => c.Names[0])).toEqual([]);
  }, 60_000);

  it('dispose() during a deploy waits for it and removes what it made', async () => {
    const other = new DockerPlatform();
    const otherRun = `${runId}-d`;
    await other.start({
      runId: otherRun,
      workdir: tempDir('rehearsal-docker-undo-'),
      log: nullLogger,
    });
    const deploying = other.deploy({ version: 'v1', replicas: 2, workers: 1 }).then(
      () => 'deployed',
      (e: Error) => e.message,
    );
    await new Promise((r) => setTimeout(r, 300));
    await other.dispose();
    expect(await deploying).toMatch(/shutting down|aborted/);
    const left = await docker.listContainers({
      all: true,
      filters: JSON.stringify({ label: [`rehearsal.run=${otherRun}`] }),
    });
    expect(left).toEqual([]);
  }, 60_000);
});
