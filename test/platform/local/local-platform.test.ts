import { afterEach, describe, expect, it } from 'vitest';
import { LocalPlatform } from '../../../sim/platform/local/local-platform.js';
import { trackedPids } from '../../../sim/util/child-registry.js';
import { nullLogger } from '../../../sim/util/logger.js';
import { leftovers, leftoversAfter, tagChildren, watchNewPids } from '../../helpers/processes.js';
import { tempDir } from '../../helpers/temp-dir.js';

const started: LocalPlatform[] = [];

async function platform(name: string, signal?: AbortSignal): Promise<{ p: LocalPlatform; tag: string }> {
  const tag = tagChildren(name);
  const p = new LocalPlatform();
  started.push(p);
  const workdir = tempDir(`rehearsal-${name}-`);
  await p.start({ runId: name, workdir, log: nullLogger, ...(signal ? { signal } : {}) });
  return { p, tag };
}

/** SIGKILLs the `nth` (0-based) child this process starts from now on, as soon as it exists. */
function killNthChild(nth: number): () => void {
  return watchNewPids(trackedPids, (pid, i) => {
    if (i === nth) process.kill(pid, 'SIGKILL');
  });
}

afterEach(async () => {
  await Promise.all(started.splice(0).map((p) => p.dispose()));
  delete process.env.REHEARSAL_TEST_TAG;
});

describe('local platform: a partial start is undone before its error propagates', () => {
  it('one instance of three killed during start-up: deploy fails and its siblings are already stopped', async () => {
    const { p, tag } = await platform('local-undo');
    const stop = killNthChild(1);
    try {
      await expect(p.deploy({ version: 'v1', replicas: 3, workers: 1 })).rejects.toThrow(
        /judge service v1-\d (exited during start-up|.*not ready)/,
      );
    } finally {
      stop();
    }
    expect(await leftoversAfter(tag)).toEqual([]);
  });

  it('a scale-up with one failing start stops the new siblings and keeps the instances it had', async () => {
    const { p, tag } = await platform('local-scale');
    const d = await p.deploy({ version: 'v1', replicas: 1, workers: 1 });
    const before = leftovers(tag);
    const stop = killNthChild(0);
    try {
      await expect(d.scale(3)).rejects.toThrow(/judge service v1-\d/);
    } finally {
      stop();
    }
    expect(d.instances.map((i) => i.id)).toEqual(['v1-0']);
    expect(leftovers(tag).sort()).toEqual(before.sort());
    expect((await fetch(`${d.instances[0]!.url}/readyz`)).ok).toBe(true);
  });

  it('dispose() during a deploy aborts the start-up and leaves nothing, even what became ready meanwhile', async () => {
    const { p, tag } = await platform('local-dispose');
    const deploying = p.deploy({ version: 'v1', replicas: 2, workers: 1 });
    const outcome = deploying.then(
      () => 'deployed',
      (e: Error) => e.message,
    );
    await new Promise((r) => setTimeout(r, 150));
    await p.dispose();
    expect(await outcome).toMatch(/aborted|shutting down/);
    expect(await leftoversAfter(tag)).toEqual([]);
    await expect(p.deploy({ version: 'v2', replicas: 1 })).rejects.toThrow(/shutting down/);
    expect(await leftoversAfter(tag)).toEqual([]);
  });

  it("the run's signal aborts a router start and an instance start at once", async () => {
    const abort = new AbortController();
    const { p, tag } = await platform('local-abort', abort.signal);
    const t0 = Date.now();
    const both = Promise.allSettled([p.startRouter(), p.deploy({ version: 'v1', replicas: 2, workers: 1 })]);
    setTimeout(() => abort.abort(new Error('interrupted by SIGINT')), 50);
    const results = await both;
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(Date.now() - t0).toBeLessThan(3000);
    expect(await leftoversAfter(tag)).toEqual([]);
  });
});
