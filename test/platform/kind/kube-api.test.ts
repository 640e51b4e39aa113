import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Kube } from '../../../sim/platform/kind/kube.js';
import * as m from '../../../sim/platform/kind/manifests.js';

// A loopback stand-in for the API server: discovery, create, watch, list, scale and delete, recording every
// call, so the platform's client-node calls (paths, verbs, query and body) are exercised over real HTTP.
type Call = { method: string; path: string; query: URLSearchParams; body: unknown };
let calls: Call[] = [];
let watchEvents: Record<string, unknown[]> = {};
let pods: unknown[] = [];
const resources = {
  '/api/v1': [
    { name: 'namespaces', kind: 'Namespace', namespaced: false },
    { name: 'persistentvolumeclaims', kind: 'PersistentVolumeClaim', namespaced: true },
    { name: 'services', kind: 'Service', namespaced: true },
    { name: 'pods', kind: 'Pod', namespaced: true },
  ],
  '/apis/apps/v1': [{ name: 'deployments', kind: 'Deployment', namespaced: true }],
} as Record<string, unknown[]>;

async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url!, 'http://x');
  let text = '';
  for await (const chunk of req) text += chunk;
  const body = text ? JSON.parse(text) : undefined;
  calls.push({ method: req.method!, path: url.pathname, query: url.searchParams, body });
  res.setHeader('content-type', 'application/json');
  const send = (o: unknown) => res.end(JSON.stringify(o));
  if (resources[url.pathname])
    return send({
      kind: 'APIResourceList',
      groupVersion: url.pathname.replace(/^\/apis?\//, ''),
      resources: resources[url.pathname],
    });
  if (url.searchParams.get('watch') === 'true') {
    res.flushHeaders();
    for (const e of watchEvents[url.pathname] ?? []) res.write(`${JSON.stringify(e)}\n`);
    return; // held open, as a watch is, until the client aborts
  }
  if (req.method === 'POST') return send(body);
  if (req.method === 'GET' && url.pathname.endsWith('/pods'))
    return send({ kind: 'PodList', apiVersion: 'v1', metadata: {}, items: pods });
  if (req.method === 'GET' && url.pathname.endsWith('/events')) {
    return send({
      kind: 'EventList',
      apiVersion: 'v1',
      metadata: {},
      items: [
        {
          metadata: { name: 'e' },
          reason: 'Failed',
          message: 'image not present with pull policy of Never',
          involvedObject: { kind: 'Pod', name: 'judge-v1-x' },
        },
      ],
    });
  }
  if (req.method === 'PUT') return send(body);
  if (req.method === 'DELETE') return send({ kind: 'Status', apiVersion: 'v1', status: 'Success' });
  res.statusCode = 404;
  send({ kind: 'Status', message: `no ${url.pathname}` });
}

const server = createServer((req, res) => void handle(req, res));
const dir = mkdtempSync(join(tmpdir(), 'rehearsal-kube-api-'));
let kube: Kube;
const scope = { namespace: 'rh-t', runId: 'r1', owner: '1@h' };
const done = {
  metadata: { name: 'judge-v1', generation: 1 },
  spec: { replicas: 1 },
  status: { observedGeneration: 1, replicas: 1, updatedReplicas: 1, availableReplicas: 1 },
};

beforeAll(async () => {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  const file = join(dir, 'kubeconfig');
  writeFileSync(
    file,
    `apiVersion: v1\nkind: Config\nclusters: [{ name: c, cluster: { server: "http://127.0.0.1:${port}", insecure-skip-tls-verify: true } }]\nusers: [{ name: u, user: { token: t } }]\ncontexts: [{ name: c, context: { cluster: c, user: u } }]\ncurrent-context: c\n`,
  );
  kube = new Kube({ kubeconfig: file, context: 'c' });
});
beforeEach(() => {
  calls = [];
  watchEvents = {};
  pods = [];
});
afterAll(() => {
  server.closeAllConnections();
  server.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the Kubernetes API calls of the kind platform', () => {
  it('creates each generated object at its resource path', async () => {
    await kube.create(m.namespaceManifest(scope));
    await kube.create(m.storeClaim(scope));
    await kube.create(
      m.judgeDeployment(scope, {
        version: 'v1',
        replicas: 1,
        image: 'rehearsal/judge-service:abc',
      }),
    );
    const posts = calls.filter((c) => c.method === 'POST');
    expect(posts.map((c) => c.path)).toEqual([
      '/api/v1/namespaces',
      '/api/v1/namespaces/rh-t/persistentvolumeclaims',
      '/apis/apps/v1/namespaces/rh-t/deployments',
    ]);
    expect((posts[2]!.body as m.Manifest).metadata.name).toBe('judge-v1');
  });

  it('a rollout completes when the watched Deployment reports every replica available', async () => {
    watchEvents['/apis/apps/v1/namespaces/rh-t/deployments'] = [
      { type: 'ADDED', object: { ...done, status: { observedGeneration: 1 } } },
      { type: 'MODIFIED', object: done },
    ];
    await kube.waitRollout('rh-t', 'judge-v1', { app: 'judge-service' }, 10_000);
    const watch = calls.find(
      (c) => c.query.get('watch') === 'true' && c.path === '/apis/apps/v1/namespaces/rh-t/deployments',
    );
    expect(watch!.query.get('fieldSelector')).toBe('metadata.name=judge-v1');
  });

  it('a pod that cannot start fails the rollout at once, with the warning events', async () => {
    watchEvents['/api/v1/namespaces/rh-t/pods'] = [
      {
        type: 'MODIFIED',
        object: {
          metadata: { name: 'judge-v1-x' },
          status: {
            containerStatuses: [{ name: 'judge', state: { waiting: { reason: 'ErrImageNeverPull' } } }],
          },
        },
      },
    ];
    const t0 = Date.now();
    await expect(kube.waitRollout('rh-t', 'judge-v1', { app: 'judge-service' }, 20_000)).rejects.toThrow(
      /deployment rh-t\/judge-v1: judge-v1-x\/judge: ErrImageNeverPull; events: Failed: image not present/,
    );
    expect(Date.now() - t0).toBeLessThan(10_000);
    const watch = calls.find(
      (c) => c.query.get('watch') === 'true' && c.path === '/api/v1/namespaces/rh-t/pods',
    );
    expect(watch!.query.get('labelSelector')).toBe('app=judge-service');
  });

  it('times out with a message naming the deployment', async () => {
    await expect(kube.waitRollout('rh-t', 'judge-v1', { app: 'judge-service' }, 300)).rejects.toThrow(
      /judge-v1: not rolled out within 300 ms/,
    );
  });

  it('lists ready pods by selector, scales through the scale subresource and deletes pods with grace 0', async () => {
    const ready = [{ type: 'Ready', status: 'True' }];
    pods = [
      { metadata: { name: 'b' }, status: { podIP: '10.244.0.8', conditions: ready } },
      { metadata: { name: 'a' }, status: { podIP: '10.244.0.7', conditions: ready } },
      {
        metadata: { name: 'c' },
        status: { podIP: '10.244.0.9', conditions: [{ type: 'Ready', status: 'False' }] },
      },
    ];
    expect(await kube.readyPods('rh-t', { version: 'v1' })).toEqual([
      { name: 'a', ip: '10.244.0.7' },
      { name: 'b', ip: '10.244.0.8' },
    ]);
    expect(calls.at(-1)!.query.get('labelSelector')).toBe('version=v1');
    await kube.scale('rh-t', 'judge-v1', 0);
    expect(calls.at(-1)).toMatchObject({
      method: 'PUT',
      path: '/apis/apps/v1/namespaces/rh-t/deployments/judge-v1/scale',
      body: { spec: { replicas: 0 } },
    });
    await kube.deletePod('rh-t', 'a');
    expect(calls.at(-1)).toMatchObject({ method: 'DELETE', path: '/api/v1/namespaces/rh-t/pods/a' });
    expect(calls.at(-1)!.query.get('gracePeriodSeconds')).toBe('0');
  });

  it('removes an object it created (a partial start undone) at its resource path, at once and in the background', async () => {
    await kube.remove(m.versionService(scope, 'v1'));
    expect(calls.at(-1)).toMatchObject({
      method: 'DELETE',
      path: '/api/v1/namespaces/rh-t/services/judge-v1',
    });
    expect(calls.at(-1)!.query.get('gracePeriodSeconds')).toBe('0');
    expect(calls.at(-1)!.query.get('propagationPolicy')).toBe('Background');
  });
});
