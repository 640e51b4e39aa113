import { chmodSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { KindPlatform } from '../../../sim/platform/kind/kind-platform.js';
import type { Manifest } from '../../../sim/platform/kind/manifests.js';
import { nullLogger } from '../../../sim/util/logger.js';
import { tempDir } from '../../helpers/temp-dir.js';

// A stand-in `kubectl` on PATH whose port-forward serves /readyz on the local port, except for pods named in
// FAKE_KUBECTL_FAIL, where it exits at once as kubectl does for a pod that is gone.
const dir = tempDir('rehearsal-kind-undo-');
writeFileSync(
  join(dir, 'kubectl'),
  `#!${process.execPath}
const http = require('node:http');
require('node:fs').writeFileSync(${JSON.stringify(dir)} + '/pf-' + process.pid, '');
const args = process.argv.slice(2);
const resource = args.at(-2);
if ((process.env.FAKE_KUBECTL_FAIL || '').split(',').includes(resource)) {
  console.error('error: ' + resource + ' not found');
  process.exit(1);
}
const [local, remote] = args.at(-1).split(':').map(Number);
http.createServer((req, res) => res.end('ok')).listen(local, '127.0.0.1', () =>
  console.log('Forwarding from 127.0.0.1:' + local + ' -> ' + remote));
process.on('SIGTERM', () => process.exit(0));
`,
);
chmodSync(join(dir, 'kubectl'), 0o755);
process.env.PATH = `${dir}:${process.env.PATH}`;
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A Kube stand-in that records what is created and removed; `rollout` decides how a rollout ends. */
function fakeKube(rollout: () => Promise<void>) {
  const created: string[] = [];
  const removed: string[] = [];
  const name = (mf: Manifest) => `${mf.kind}/${mf.metadata.name}`;
  return {
    created,
    removed,
    kube: {
      create: async (mf: Manifest) => void created.push(name(mf)),
      remove: async (mf: Manifest) => void removed.push(name(mf)),
      waitRollout: rollout,
      readyPods: async () => [
        { name: 'judge-v1-a', ip: '10.0.0.1' },
        { name: 'judge-v1-b', ip: '10.0.0.2' },
      ],
    },
  };
}

/** A KindPlatform as start() leaves it, on a cluster given by context (so the router is port-forwarded too). */
function startedPlatform(kube: unknown): KindPlatform {
  const p = new KindPlatform({ context: 'kind-x' });
  Object.assign(p as unknown as Record<string, unknown>, {
    ctx: { runId: 'r', workdir: tempDir('rehearsal-kind-undo-w-'), log: nullLogger },
    kube,
    scope: { namespace: 'rh-r', runId: 'r', owner: 'me' },
    images: { judge: 'rehearsal/judge-service:x', router: 'rehearsal/router:x' },
    cluster: { target: { context: 'kind-x' }, owned: false, describe: 'test' },
  });
  return p;
}

const forwardsOf = (p: KindPlatform) => (p as unknown as { forwards: unknown[] }).forwards;
/** The stand-in kubectl processes started so far that are still alive. */
const liveKubectls = () =>
  readdirSync(dir)
    .filter((f) => f.startsWith('pf-'))
    .map((f) => Number(f.slice(3)))
    .filter((pid) => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    });

describe('kind platform: a partial start is undone (offline, stand-in kubectl and API)', () => {
  it("one pod's port-forward fails: the other forward is closed and the Deployment and Service are deleted", async () => {
    process.env.FAKE_KUBECTL_FAIL = 'pod/judge-v1-b';
    const { kube, created, removed } = fakeKube(async () => undefined);
    const p = startedPlatform(kube);
    try {
      await expect(p.deploy({ version: 'v1', replicas: 2 })).rejects.toThrow(
        /port-forward rh-r\/pod\/judge-v1-b failed/,
      );
    } finally {
      delete process.env.FAKE_KUBECTL_FAIL;
    }
    expect(created).toEqual(['Deployment/judge-v1', 'Service/judge-v1']);
    expect(removed).toEqual(['Service/judge-v1', 'Deployment/judge-v1']);
    expect(forwardsOf(p)).toEqual([]);
    expect(readdirSync(dir).filter((f) => f.startsWith('pf-'))).toHaveLength(2);
    await expect.poll(liveKubectls, { timeout: 3000 }).toEqual([]);
  });

  it('a router whose rollout fails is deleted, and a later deploy of the same version creates its Service again', async () => {
    const { kube, created, removed } = fakeKube(async () => {
      throw new Error('deployment rh-r/router: ErrImageNeverPull');
    });
    const p = startedPlatform(kube);
    await expect(p.startRouter()).rejects.toThrow(/ErrImageNeverPull/);
    expect(removed).toEqual(['Service/router', 'Deployment/router']);
    await expect(p.deploy({ version: 'v1', replicas: 1 })).rejects.toThrow(/ErrImageNeverPull/);
    expect(created.filter((c) => c === 'Service/judge-v1')).toHaveLength(1);
    (kube as { waitRollout: () => Promise<void> }).waitRollout = async () => undefined;
    const d = await p.deploy({ version: 'v1', replicas: 2 });
    expect(created.filter((c) => c === 'Service/judge-v1')).toHaveLength(2);
    expect(d.instances).toHaveLength(2);
    for (const i of d.instances) i.close();
    await expect.poll(liveKubectls, { timeout: 3000 }).toEqual([]);
  });
});
