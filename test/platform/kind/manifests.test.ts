import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { Namespace } from 'kubernetes-models/v1/Namespace';
import { PersistentVolumeClaim } from 'kubernetes-models/v1/PersistentVolumeClaim';
import { Secret } from 'kubernetes-models/v1/Secret';
import { Service } from 'kubernetes-models/v1/Service';
import { describe, expect, it } from 'vitest';
import * as m from '../../../sim/platform/kind/manifests.js';

const scope: m.ManifestScope = {
  namespace: 'rh-20261127-193012-ab12-3f9a',
  runId: '20261127-193012-ab12',
  owner: '4242@ci-host',
};
const judge = {
  version: 'v2',
  replicas: 2,
  image: 'rehearsal/judge-service:0123456789ab',
  toggles: { errorRate: 0.05 },
  workers: 2,
};

const models: Record<string, new (data: never) => { validate(): void }> = {
  Namespace,
  PersistentVolumeClaim,
  Secret,
  Service,
  Deployment,
};

/** Validates a manifest against the Kubernetes OpenAPI schema of its kind (kubernetes-models); throws when invalid. */
function validate(manifest: m.Manifest): void {
  const Model = models[manifest.kind];
  if (!Model) throw new Error(`no model for ${manifest.kind}`);
  new Model(manifest as never).validate();
}

const all = (): m.Manifest[] => [
  m.namespaceManifest(scope),
  m.storeClaim(scope),
  m.judgeDeployment(scope, judge),
  m.judgeDeployment(scope, { ...judge, name: 'judge-v2-1', toggles: {} }),
  m.versionService(scope, 'v2'),
  m.adminSecret(scope, { judge: 'tok', router: 'secret' }),
  m.routerDeployment(scope, 'rehearsal/router:fedcba987654'),
  m.routerService(scope, true),
  m.routerService(scope, false),
];

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

describe('kind manifests', () => {
  it('every generated manifest is valid against the Kubernetes OpenAPI schema', () => {
    for (const manifest of all())
      expect(() => validate(manifest), `${manifest.kind} ${manifest.metadata.name}`).not.toThrow();
  });

  it('the validation is real: a broken manifest is rejected with the path of the problem', () => {
    const broken = m.judgeDeployment(scope, judge) as { spec: { replicas: unknown } } & m.Manifest;
    broken.spec.replicas = 'two';
    expect(() => validate(broken)).toThrow(/spec\/replicas must be integer/);
  });

  it('names are DNS-1123 labels and label values are legal, even from odd run ids and versions', () => {
    const odd: m.ManifestScope = {
      namespace: m.dnsLabel('rh-Run_ID with Spaces & a very long tail that keeps going on and on and on'),
      runId: '--Run ID/with:odd@chars--',
      owner: '1@h',
    };
    for (const manifest of [
      m.namespaceManifest(odd),
      m.judgeDeployment(odd, { ...judge, version: 'V2.1_rc/1' }),
      m.versionService(odd, 'V2.1_rc/1'),
    ]) {
      expect(manifest.metadata.name).toMatch(DNS_LABEL);
      expect(manifest.metadata.name.length).toBeLessThanOrEqual(63);
      for (const value of Object.values(manifest.metadata.labels ?? {})) {
        expect(value).toMatch(LABEL_VALUE);
        expect(value.length).toBeLessThanOrEqual(63);
      }
      validate(manifest);
    }
  });

  it('a version runs as one Deployment labelled app, version and rehearsal.run, with probes on /readyz and /healthz and the store claim', () => {
    const d = m.judgeDeployment(scope, judge) as unknown as Deployment;
    const labels = d.spec!.template.metadata!.labels!;
    expect(labels).toMatchObject({
      app: 'judge-service',
      version: 'v2',
      'rehearsal.run': scope.runId,
      rehearsal: '1',
    });
    expect(d.spec!.selector.matchLabels).toEqual(m.judgePodLabels(scope, 'v2', 'judge-v2'));
    const pod = d.spec!.template.spec!;
    expect(pod.shareProcessNamespace).toBe(true);
    const c = pod.containers[0]!;
    expect(c.image).toBe(judge.image);
    expect(c.readinessProbe!.httpGet).toMatchObject({ path: '/readyz', port: 'http' });
    expect(c.livenessProbe!.httpGet).toMatchObject({ path: '/healthz', port: 'http' });
    expect(c.ports![0]!.containerPort).toBe(m.JUDGE_PORT);
    expect(c.volumeMounts).toEqual([{ name: 'store', mountPath: '/data' }]);
    expect(pod.volumes).toEqual([{ name: 'store', persistentVolumeClaim: { claimName: m.STORE_CLAIM } }]);
    expect(c.args).toEqual([
      '--version',
      'v2',
      '--instance',
      '$(POD_NAME)',
      '--workers',
      '2',
      '--toggles',
      '{"errorRate":0.05}',
    ]);
    expect(c.env).toContainEqual({
      name: 'POD_NAME',
      valueFrom: { fieldRef: { fieldPath: 'metadata.name' } },
    });
    // The admin token reaches the pod through the run's Secret, never through args or a literal env value.
    expect(c.env).toContainEqual({
      name: 'JUDGE_ADMIN_TOKEN',
      valueFrom: { secretKeyRef: { name: m.ADMIN_SECRET, key: 'judge' } },
    });
  });

  it('the Service of a version selects every pod of that version (all its Deployments), and only those', () => {
    const svc = m.versionService(scope, 'v2') as unknown as Service;
    const podLabels = (m.judgeDeployment(scope, { ...judge, name: 'judge-v2-1' }) as unknown as Deployment)
      .spec!.template.metadata!.labels!;
    for (const [k, v] of Object.entries(svc.spec!.selector!)) expect(podLabels[k]).toBe(v);
    expect(svc.spec!.selector).not.toHaveProperty(m.DEPLOYMENT_LABEL);
    expect(svc.spec!.ports![0]).toMatchObject({ port: m.JUDGE_PORT, targetPort: 'http' });
  });

  it('the router is a Deployment + Service; NodePorts (those of cluster.yaml) only on a cluster made for the run', () => {
    const d = m.routerDeployment(scope, 'rehearsal/router:fedcba987654') as unknown as Deployment;
    expect(d.spec!.template.spec!.containers[0]!.env).toEqual([
      {
        name: 'REHEARSAL_ROUTER_TOKEN',
        valueFrom: { secretKeyRef: { name: m.ADMIN_SECRET, key: 'router' } },
      },
    ]);
    expect(m.adminSecret(scope, { judge: 'j', router: 'r' })).toMatchObject({
      kind: 'Secret',
      metadata: { name: m.ADMIN_SECRET, namespace: scope.namespace },
      stringData: { judge: 'j', router: 'r' },
    });
    const nodePort = m.routerService(scope, true) as unknown as Service;
    expect(nodePort.spec!.type).toBe('NodePort');
    expect(nodePort.spec!.ports!.map((p) => p.nodePort)).toEqual([
      m.ROUTER_NODE_PORTS.http,
      m.ROUTER_NODE_PORTS.admin,
    ]);
    const clusterIp = m.routerService(scope, false) as unknown as Service;
    expect(clusterIp.spec!.type).toBe('ClusterIP');
    expect(clusterIp.spec!.ports!.every((p) => p.nodePort === undefined)).toBe(true);
    expect(d.spec!.selector.matchLabels).toEqual(nodePort.spec!.selector);
  });

  it('the namespace carries the labels `rehearse clean` selects and the owner as an annotation (@ is not a label character)', () => {
    const ns = m.namespaceManifest(scope);
    expect(ns.metadata.labels).toEqual({
      rehearsal: '1',
      'rehearsal.run': scope.runId,
      'rehearsal.scope': scope.namespace,
    });
    expect(ns.metadata.annotations).toEqual({ [m.OWNER_ANNOTATION]: '4242@ci-host' });
    expect(m.storeClaim(scope).spec).toEqual({
      accessModes: ['ReadWriteOnce'],
      resources: { requests: { storage: '1Gi' } },
    });
  });
});
