import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanKube, kubeCleanLines } from '../../../sim/platform/kind/cleanup.js';

// A stand-in API server on loopback answering the three calls `rehearse clean` makes, so the client-node calls
// (paths, selectors, methods) are exercised over real HTTP without a cluster.
const namespaces = [
  { name: 'rh-dead', owner: `999999999@${hostname()}` },
  { name: 'rh-live', owner: `${process.pid}@${hostname()}` },
  { name: 'rh-other-host', owner: '1@another-machine' },
];
const requests: string[] = [];
const server = createServer((req, res) => {
  requests.push(`${req.method} ${req.url}`);
  const url = new URL(req.url!, 'http://x');
  res.setHeader('content-type', 'application/json');
  if (url.pathname === '/version')
    return res.end(JSON.stringify({ gitVersion: 'v1.32.0', major: '1', minor: '32' }));
  if (req.method === 'GET' && url.pathname === '/api/v1/namespaces') {
    expect(url.searchParams.get('labelSelector')).toBe('rehearsal=1');
    const items = namespaces.map((n) => ({
      metadata: { name: n.name, labels: { rehearsal: '1' }, annotations: { 'rehearsal.owner': n.owner } },
    }));
    return res.end(JSON.stringify({ kind: 'NamespaceList', apiVersion: 'v1', metadata: {}, items }));
  }
  if (req.method === 'DELETE' && url.pathname.startsWith('/api/v1/namespaces/')) {
    return res.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Success' }));
  }
  res.statusCode = 404;
  res.end(JSON.stringify({ kind: 'Status', message: 'not found' }));
});
const dir = mkdtempSync(join(tmpdir(), 'rehearsal-kind-clean-'));
const kubeconfig = join(dir, 'kubeconfig');
const env = { PATH: join(dir, 'no-bin') };

beforeAll(async () => {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  writeFileSync(
    kubeconfig,
    `apiVersion: v1\nkind: Config\nclusters: [{ name: c, cluster: { server: "http://127.0.0.1:${port}", insecure-skip-tls-verify: true } }]\nusers: [{ name: u, user: { token: t } }]\ncontexts: [{ name: c, context: { cluster: c, user: u } }]\ncurrent-context: c\n`,
  );
});
afterAll(() => {
  server.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('rehearse clean on Kubernetes', () => {
  it("deletes the labelled namespaces of dead runs on this host; spares live runs and other hosts' runs", async () => {
    const result = await cleanKube({ kubeconfig }, {}, env);
    expect(result.skipped).toBeUndefined();
    expect(result.namespaces).toEqual(['rh-dead']);
    expect(result.spared).toBe(2);
    expect(requests).toContain('DELETE /api/v1/namespaces/rh-dead?propagationPolicy=Background');
    expect(requests.filter((r) => r.includes('rh-live') || r.includes('rh-other-host'))).toEqual([]);
    expect(kubeCleanLines(result)).toEqual([
      `deleted 1 namespace(s) labelled rehearsal=1 on ${result.server}`,
      '  rh-dead',
      'spared 2 namespace(s) of runs in progress or of other hosts (--all deletes them too)',
    ]);
  });

  it('--all deletes live runs too', async () => {
    expect((await cleanKube({ kubeconfig }, { all: true }, env)).namespaces).toEqual([
      'rh-dead',
      'rh-live',
      'rh-other-host',
    ]);
  });

  it('says why it looked at nothing: no kubeconfig, or a cluster that does not answer', async () => {
    expect(kubeCleanLines(await cleanKube({ kubeconfig: join(dir, 'missing') }, {}, env))).toEqual([
      'kubernetes: no kubeconfig (nothing to look at)',
    ]);
    const far = join(dir, 'far');
    writeFileSync(
      far,
      'apiVersion: v1\nkind: Config\nclusters: [{ name: c, cluster: { server: "https://127.0.0.1:1" } }]\nusers: [{ name: u, user: {} }]\ncontexts: [{ name: c, context: { cluster: c, user: u } }]\ncurrent-context: c\n',
    );
    const [line] = kubeCleanLines(await cleanKube({ kubeconfig: far }, {}, env));
    expect(line).toMatch(/^kubernetes: cluster at https:\/\/127\.0\.0\.1:1 not reachable/);
  });
});
