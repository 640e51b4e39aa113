import { OWNER_LABEL, RUN_LABEL, SCOPE_LABEL } from '../docker/labels.js';

/** A Kubernetes object as sent to the API: plain data, validated against the OpenAPI schemas in the tests. */
export interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  [field: string]: unknown;
}

/** Port the judge service listens on in its container (see fixtures/docker/judge-service.Dockerfile). */
export const JUDGE_PORT = 8080;
/** Router data-plane and admin ports in its container (see fixtures/docker/router.Dockerfile). */
export const ROUTER_PORTS = { http: 8000, admin: 8001 } as const;
/** NodePorts the router Service uses on a cluster made from fixtures/kind/cluster.yaml (its extraPortMappings). */
export const ROUTER_NODE_PORTS = { http: 30080, admin: 30081 } as const;
/** Annotation naming the harness process (pid@host) that owns a namespace; `@` is not allowed in label values. */
export const OWNER_ANNOTATION = 'rehearsal.owner';
/** Name of the store's PersistentVolumeClaim in a run's namespace. */
export const STORE_CLAIM = 'store';
/** Name of the router's Deployment and Service. */
export const ROUTER_NAME = 'router';
/** Name of the Secret holding the run's admin tokens (keys `judge` and `router`), read into env by the pods. */
export const ADMIN_SECRET = 'admin-tokens';

/** What every manifest of one platform instance shares. */
export interface ManifestScope {
  namespace: string;
  runId: string;
  /** Owner of the namespace, `pid@host` (an annotation, for `rehearse clean`). */
  owner: string;
}

/** What one judge service version needs. */
export interface JudgeSpec {
  version: string;
  replicas: number;
  image: string;
  toggles?: Record<string, unknown>;
  workers?: number;
  /** The Deployment's name (default `judge-<version>`; a second deploy of a version gets a suffix). */
  name?: string;
}

/** Label telling apart the pods of two Deployments of one version. */
export const DEPLOYMENT_LABEL = 'rehearsal.deployment';

/** A DNS-1123 label (lower case alphanumerics and '-', at most `max` characters) made from any text. */
export function dnsLabel(text: string, max = 63): string {
  const cleaned = text
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+/, '');
  return cleaned.slice(0, max).replace(/-+$/, '') || 'x';
}

/** A label value (at most 63 characters of [A-Za-z0-9_.-], alphanumeric at both ends). */
export function labelValue(text: string): string {
  return (
    text
      .replace(/[^A-Za-z0-9_.-]+/g, '-')
      .slice(0, 63)
      .replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, '') || 'x'
  );
}

/** The labels on everything of one run: `rehearsal=1`, `rehearsal.run` and `rehearsal.scope` (the namespace). */
export function runLabels(scope: ManifestScope): Record<string, string> {
  return {
    [OWNER_LABEL]: '1',
    [RUN_LABEL]: labelValue(scope.runId),
    [SCOPE_LABEL]: labelValue(scope.namespace),
  };
}

/** Name of a version's Deployment and Service. */
export function versionName(version: string): string {
  return dnsLabel(`judge-${version}`, 50);
}

/** Pod labels of a version: app, version and the run; also the Deployment's selector and the Service's. */
export function versionSelector(scope: ManifestScope, version: string): Record<string, string> {
  return { app: 'judge-service', version: labelValue(version), [RUN_LABEL]: labelValue(scope.runId) };
}

/** The labels selecting the pods of one Deployment of a version. */
export function judgePodLabels(
  scope: ManifestScope,
  version: string,
  deployment: string,
): Record<string, string> {
  return { ...versionSelector(scope, version), [DEPLOYMENT_LABEL]: deployment };
}

/** The run's namespace, labelled so `rehearse clean` finds it. */
export function namespaceManifest(scope: ManifestScope): Manifest {
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: {
      name: scope.namespace,
      labels: runLabels(scope),
      annotations: { [OWNER_ANNOTATION]: scope.owner },
    },
  };
}

/** The store every version shares (SQLite on one ReadWriteOnce volume: every pod must land on one node). */
export function storeClaim(scope: ManifestScope, size = '1Gi'): Manifest {
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name: STORE_CLAIM, namespace: scope.namespace, labels: runLabels(scope) },
    spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: size } } },
  };
}

/** The judge service's arguments after the image's entrypoint (host, port, problems and store are fixed there). */
export function judgeArgs(spec: JudgeSpec): string[] {
  const args = ['--version', spec.version, '--instance', '$(POD_NAME)'];
  if (spec.workers !== undefined) args.push('--workers', String(spec.workers));
  if (spec.toggles && Object.keys(spec.toggles).length > 0)
    args.push('--toggles', JSON.stringify(spec.toggles));
  return args;
}

/**
 * One Deployment per version. The pod shares its process namespace so that signals sent through `kubectl exec`
 * reach the service (it is not PID 1 there, and PID 1 ignores signals it has no handler for, SIGKILL included).
 */
export function judgeDeployment(scope: ManifestScope, spec: JudgeSpec): Manifest {
  const name = spec.name ?? versionName(spec.version);
  const selector = judgePodLabels(scope, spec.version, name);
  const http = (path: string) => ({ path, port: 'http', scheme: 'HTTP' });
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: scope.namespace, labels: { ...runLabels(scope), ...selector } },
    spec: {
      replicas: spec.replicas,
      selector: { matchLabels: selector },
      strategy: { type: 'Recreate' },
      template: {
        metadata: { labels: { ...runLabels(scope), ...selector } },
        spec: {
          shareProcessNamespace: true,
          terminationGracePeriodSeconds: 3,
          securityContext: { runAsUser: 1000, runAsGroup: 1000, fsGroup: 1000 },
          containers: [
            {
              name: 'judge',
              image: spec.image,
              imagePullPolicy: 'IfNotPresent',
              args: judgeArgs(spec),
              env: [
                { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
                secretEnv('JUDGE_ADMIN_TOKEN', 'judge'),
              ],
              ports: [{ name: 'http', containerPort: JUDGE_PORT, protocol: 'TCP' }],
              readinessProbe: {
                httpGet: http('/readyz'),
                periodSeconds: 1,
                failureThreshold: 2,
                timeoutSeconds: 1,
              },
              // Generous: a `pause` fault shorter than 30 s must not make the kubelet restart the container.
              livenessProbe: {
                httpGet: http('/healthz'),
                initialDelaySeconds: 5,
                periodSeconds: 5,
                failureThreshold: 6,
                timeoutSeconds: 2,
              },
              volumeMounts: [{ name: 'store', mountPath: '/data' }],
            },
          ],
          volumes: [{ name: 'store', persistentVolumeClaim: { claimName: STORE_CLAIM } }],
        },
      },
    },
  };
}

/** A ClusterIP Service per version (for anyone reaching a version by name; the router is given pod addresses). */
export function versionService(scope: ManifestScope, version: string): Manifest {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name: versionName(version),
      namespace: scope.namespace,
      labels: { ...runLabels(scope), ...versionSelector(scope, version) },
    },
    spec: {
      type: 'ClusterIP',
      selector: versionSelector(scope, version),
      ports: [{ name: 'http', port: JUDGE_PORT, targetPort: 'http', protocol: 'TCP' }],
    },
  };
}

/** The run's admin tokens as a Secret: pods read them into env, so no token is in a pod spec or any argv. */
export function adminSecret(scope: ManifestScope, tokens: { judge: string; router: string }): Manifest {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: ADMIN_SECRET, namespace: scope.namespace, labels: runLabels(scope) },
    type: 'Opaque',
    stringData: { judge: tokens.judge, router: tokens.router },
  };
}

function secretEnv(name: string, key: 'judge' | 'router') {
  return { name, valueFrom: { secretKeyRef: { name: ADMIN_SECRET, key } } };
}

/** The router as a one-replica Deployment; its admin token comes from the run's Secret through the environment. */
export function routerDeployment(scope: ManifestScope, image: string): Manifest {
  const selector = { app: 'router', [RUN_LABEL]: labelValue(scope.runId) };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: ROUTER_NAME, namespace: scope.namespace, labels: { ...runLabels(scope), ...selector } },
    spec: {
      replicas: 1,
      selector: { matchLabels: selector },
      template: {
        metadata: { labels: { ...runLabels(scope), ...selector } },
        spec: {
          terminationGracePeriodSeconds: 3,
          securityContext: { runAsUser: 1000, runAsGroup: 1000 },
          containers: [
            {
              name: 'router',
              image,
              imagePullPolicy: 'IfNotPresent',
              env: [secretEnv('REHEARSAL_ROUTER_TOKEN', 'router')],
              ports: [
                { name: 'http', containerPort: ROUTER_PORTS.http, protocol: 'TCP' },
                { name: 'admin', containerPort: ROUTER_PORTS.admin, protocol: 'TCP' },
              ],
              readinessProbe: {
                httpGet: { path: '/healthz', port: 'admin', scheme: 'HTTP' },
                periodSeconds: 1,
                failureThreshold: 2,
              },
              livenessProbe: {
                httpGet: { path: '/healthz', port: 'admin', scheme: 'HTTP' },
                initialDelaySeconds: 5,
                periodSeconds: 5,
                failureThreshold: 6,
              },
            },
          ],
        },
      },
    },
  };
}

/** The router's Service: NodePort on the fixed ports of fixtures/kind/cluster.yaml when `nodePorts`, else ClusterIP. */
export function routerService(scope: ManifestScope, nodePorts: boolean): Manifest {
  const port = (name: 'http' | 'admin') => ({
    name,
    port: ROUTER_PORTS[name],
    targetPort: name,
    protocol: 'TCP',
    ...(nodePorts ? { nodePort: ROUTER_NODE_PORTS[name] } : {}),
  });
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: ROUTER_NAME, namespace: scope.namespace, labels: runLabels(scope) },
    spec: {
      type: nodePorts ? 'NodePort' : 'ClusterIP',
      selector: { app: 'router', [RUN_LABEL]: labelValue(scope.runId) },
      ports: [port('http'), port('admin')],
    },
  };
}
