import {
  AppsV1Api,
  CoreV1Api,
  KubeConfig,
  KubernetesObjectApi,
  VersionApi,
  Watch,
} from '@kubernetes/client-node';
import { ExitCode, messageOf, RehearsalError } from '../../util/errors.js';
import type { KubeTarget } from './commands.js';
import type { Manifest } from './manifests.js';
import { TOOL_HINTS } from './tools.js';

/** The fields of a Deployment's status that say whether its rollout is complete. */
export interface RolloutState {
  metadata?: { generation?: number };
  spec?: { replicas?: number };
  status?: {
    observedGeneration?: number;
    replicas?: number;
    updatedReplicas?: number;
    availableReplicas?: number;
    readyReplicas?: number;
  };
}

/** Whether a rollout is complete, as `kubectl rollout status` decides: observed, updated, available, no old pods. */
export function rolloutDone(d: RolloutState): boolean {
  const want = d.spec?.replicas ?? 1;
  const s = d.status ?? {};
  if ((s.observedGeneration ?? 0) < (d.metadata?.generation ?? 0)) return false;
  return (
    (s.updatedReplicas ?? 0) === want && (s.availableReplicas ?? 0) === want && (s.replicas ?? 0) === want
  );
}

/** A pod's fields this platform reads. */
export interface PodState {
  metadata?: { name?: string; deletionTimestamp?: unknown };
  status?: {
    podIP?: string;
    conditions?: { type: string; status: string }[];
    containerStatuses?: {
      name: string;
      restartCount?: number;
      state?: { waiting?: { reason?: string; message?: string } };
    }[];
  };
}

const HOPELESS = new Set([
  'ErrImagePull',
  'ImagePullBackOff',
  'ErrImageNeverPull',
  'InvalidImageName',
  'CrashLoopBackOff',
  'CreateContainerConfigError',
  'CreateContainerError',
]);

/** Why a pod will not become ready without someone's help (image not loaded, crash loop), or undefined. */
export function podProblem(pod: PodState): string | undefined {
  for (const c of pod.status?.containerStatuses ?? []) {
    const waiting = c.state?.waiting;
    if (waiting?.reason && HOPELESS.has(waiting.reason))
      return `${pod.metadata?.name}/${c.name}: ${waiting.reason}${waiting.message ? ` (${waiting.message})` : ''}`;
  }
  return undefined;
}

/** Whether a pod is Ready and not being deleted. */
export function podReady(pod: PodState): boolean {
  return (
    !pod.metadata?.deletionTimestamp &&
    (pod.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True')
  );
}

/** A label selector string from a map. */
export function selectorOf(labels: Record<string, string>): string {
  return Object.entries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}

/** The Kubernetes API of one cluster through @kubernetes/client-node. */
export class Kube {
  readonly config = new KubeConfig();
  readonly core: CoreV1Api;
  readonly apps: AppsV1Api;
  private readonly objects: KubernetesObjectApi;

  constructor(target: KubeTarget) {
    if (target.kubeconfig) this.config.loadFromFile(target.kubeconfig);
    else this.config.loadFromDefault();
    if (target.context) this.config.setCurrentContext(target.context);
    this.core = this.config.makeApiClient(CoreV1Api);
    this.apps = this.config.makeApiClient(AppsV1Api);
    this.objects = KubernetesObjectApi.makeApiClient(this.config);
  }

  /** The API server's version, or why it could not be reached; never throws. */
  async reach(
    timeoutMs = 5000,
  ): Promise<{ ok: true; version: string; server: string } | { ok: false; detail: string }> {
    const server = this.config.getCurrentCluster()?.server ?? '(no current cluster)';
    try {
      const api = this.config.makeApiClient(VersionApi);
      const v = await Promise.race([api.getCode(), rejectAfter(timeoutMs)]);
      return { ok: true, version: v.gitVersion, server };
    } catch (error) {
      return { ok: false, detail: `cluster at ${server} not reachable: ${messageOf(error)}` };
    }
  }

  /** Creates one object (the caller made the manifest; the API server validates it again). */
  async create(manifest: Manifest): Promise<void> {
    try {
      await this.objects.create(manifest);
    } catch (error) {
      throw new RehearsalError(
        `could not create ${manifest.kind} ${manifest.metadata.name}: ${apiMessage(error)}`,
        TOOL_HINTS.cluster,
        ExitCode.rehearsalFailed,
        { cause: error },
      );
    }
  }

  /**
   * Watches a Deployment until its rollout is complete, failing early when one of its pods cannot start (the
   * pods are watched too) and, on timeout, with the namespace's recent warning events.
   */
  async waitRollout(
    namespace: string,
    name: string,
    pods: Record<string, string>,
    timeoutMs: number,
    signal?: AbortSignal,
  ): Promise<void> {
    const watch = new Watch(this.config);
    const controllers: AbortController[] = [];
    let closed = false;
    let finish: (error?: Error) => void = () => undefined;
    const done = new Promise<void>((resolve, reject) => {
      finish = (error) => (error ? reject(error) : resolve());
    });
    const onAbort = () => finish(new Error('interrupted'));
    signal?.addEventListener('abort', onAbort, { once: true });
    const timer = setTimeout(() => finish(new Error(`not rolled out within ${timeoutMs} ms`)), timeoutMs);
    const ended = (err: unknown) => {
      if (!closed && err && (err as { name?: string }).name !== 'AbortError')
        finish(new Error(`watch ended: ${messageOf(err)}`));
    };
    const keep = (c: AbortController) => (closed ? c.abort() : controllers.push(c));
    // Not awaited one by one: a watch resolves only once the server answers, and the deadline must still hold.
    Promise.all([
      watch
        .watch(
          `/apis/apps/v1/namespaces/${namespace}/deployments`,
          { fieldSelector: `metadata.name=${name}` },
          (_phase, obj: RolloutState) => {
            if (rolloutDone(obj)) finish();
          },
          ended,
        )
        .then(keep),
      watch
        .watch(
          `/api/v1/namespaces/${namespace}/pods`,
          { labelSelector: selectorOf(pods) },
          (_phase, obj: PodState) => {
            const problem = podProblem(obj);
            if (problem) finish(new Error(problem));
          },
          ended,
        )
        .then(keep),
    ]).catch((error: unknown) => finish(new Error(`watch failed: ${apiMessage(error)}`)));
    try {
      await done;
    } catch (error) {
      const events = await this.warnings(namespace).catch(() => []);
      throw new RehearsalError(
        `deployment ${namespace}/${name}: ${messageOf(error)}${events.length ? `; events: ${events.join(' | ')}` : ''}`,
        `\`kubectl describe pods -n ${namespace}\` shows more; images come from \`kind load docker-image\` (imagePullPolicy IfNotPresent)`,
        ExitCode.rehearsalFailed,
        { cause: error },
      );
    } finally {
      closed = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      for (const c of controllers) c.abort();
    }
  }

  /** The ready pods matching `labels`, oldest first. */
  async readyPods(
    namespace: string,
    labels: Record<string, string>,
  ): Promise<{ name: string; ip: string }[]> {
    const list = await this.core.listNamespacedPod({ namespace, labelSelector: selectorOf(labels) });
    return (list.items as PodState[])
      .filter((p) => podReady(p) && p.status?.podIP)
      .map((p) => ({ name: p.metadata!.name!, ip: p.status!.podIP! }))
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  /** The last warning events of a namespace, as `Reason: message (object)` lines. */
  async warnings(namespace: string, max = 5): Promise<string[]> {
    const list = await this.core.listNamespacedEvent({ namespace, fieldSelector: 'type=Warning' });
    return list.items
      .slice(-max)
      .map((e) => `${e.reason}: ${e.message?.trim()} (${e.involvedObject.kind} ${e.involvedObject.name})`);
  }

  /** Sets a Deployment's replica count through its scale subresource. */
  async scale(namespace: string, name: string, replicas: number): Promise<void> {
    await this.apps.replaceNamespacedDeploymentScale({
      name,
      namespace,
      body: { metadata: { name, namespace }, spec: { replicas } },
    });
  }

  /** Deletes a pod (grace 0: abrupt, as a node failure would); its Deployment makes a new one under another name. */
  async deletePod(namespace: string, name: string, graceSeconds = 0): Promise<void> {
    await this.core.deleteNamespacedPod({ name, namespace, gracePeriodSeconds: graceSeconds });
  }

  /** Deletes one object (what `create` made), at once and in the background; one that is already gone is fine. */
  async remove(manifest: Manifest): Promise<void> {
    try {
      await this.objects.delete(manifest, undefined, undefined, 0, undefined, 'Background');
    } catch (error) {
      if ((error as { code?: number }).code !== 404) throw error;
    }
  }

  /** Deletes a namespace and everything in it (in the background: the API server finishes it). */
  async deleteNamespace(name: string): Promise<void> {
    try {
      await this.core.deleteNamespace({ name, propagationPolicy: 'Background' });
    } catch (error) {
      if ((error as { code?: number }).code !== 404) throw error;
    }
  }

  /** Namespaces carrying `labels` (e.g. `rehearsal=1`), with their labels and annotations. */
  async namespaces(
    labels: Record<string, string>,
  ): Promise<{ name: string; labels: Record<string, string>; annotations: Record<string, string> }[]> {
    const list = await this.core.listNamespace({ labelSelector: selectorOf(labels) });
    return list.items.map((n) => ({
      name: n.metadata!.name!,
      labels: n.metadata?.labels ?? {},
      annotations: n.metadata?.annotations ?? {},
    }));
  }
}

function rejectAfter(ms: number): Promise<never> {
  return new Promise((_, reject) =>
    setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms).unref(),
  );
}

/** The API server's own message from a client-node error (its Status body), else the error's message. */
export function apiMessage(error: unknown): string {
  const body = (error as { body?: unknown }).body;
  if (typeof body === 'string') {
    try {
      const status = JSON.parse(body) as { message?: string };
      if (status.message) return status.message;
    } catch {}
  }
  if (body && typeof body === 'object' && 'message' in body)
    return String((body as { message: unknown }).message);
  return messageOf(error);
}
