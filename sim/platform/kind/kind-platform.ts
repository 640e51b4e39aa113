import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { messageOf, PlatformUnavailableError } from '../../util/errors.js';
import { connectEngine, ENGINE_HINT, probeEngine } from '../docker/engine.js';
import { refuseExternal } from '../external.js';
import { type AppImages, ensureAppImages } from '../images/app-images.js';
import { ensureBase } from '../images/base-image.js';
import { waitReady } from '../local/wait-ready.js';
import type {
  DeploySpec,
  ExternalVersion,
  Platform,
  PlatformContext,
  Probe,
  RouterEndpoint,
} from '../platform.js';
import { Starts, startAll, thenOrUndo } from '../starts.js';
import { type ClusterHandle, closeCluster, openCluster, planCluster } from './cluster.js';
import { type KindOptions, kindLoadArgs, kubectlTarget } from './commands.js';
import { KindDeployment } from './kind-deployment.js';
import { KindInstance } from './kind-instance.js';
import { Kube } from './kube.js';
import * as m from './manifests.js';
import { PortForward } from './port-forward.js';
import { probeKind } from './probe.js';
import { checkTools, run, TOOL_HINTS } from './tools.js';

const ROLLOUT_MS = 180_000;

/** What a start made so far, for {@link KindPlatform.undoable} to take back. */
interface Made {
  /** Creates an object, deleted again if the start fails. */
  create(manifest: m.Manifest): Promise<void>;
  /** Keeps a port-forward, closed again if the start fails. */
  forward(f: PortForward): PortForward;
  /** Something else to undo if the start fails. */
  onUndo(fn: () => unknown): void;
}
const live = new Map<string, () => void>();
let exitHooked = false;

/**
 * The judge service and the router on Kubernetes: a kind cluster made for the run, an existing one (--cluster), or
 * any cluster (--kubeconfig/--context). Each scenario gets its own labelled namespace, deleted when it ends.
 */
export class KindPlatform implements Platform {
  readonly name = 'kind';
  readonly adminToken = randomBytes(12).toString('hex');
  private readonly routerToken = randomBytes(12).toString('hex');
  private ctx: PlatformContext | undefined;
  private cluster: ClusterHandle | undefined;
  private kube: Kube | undefined;
  private images: AppImages | undefined;
  private scope: m.ManifestScope | undefined;
  private readonly deployments: KindDeployment[] = [];
  private readonly forwards: PortForward[] = [];
  private readonly counters = new Map<string, number>();
  private readonly services = new Set<string>();
  private readonly starts = new Starts();
  private disposed = false;
  private readonly key = randomBytes(4).toString('hex');

  constructor(private readonly opts: KindOptions = {}) {}

  probe(): Promise<Probe> {
    return probeKind(this.opts);
  }

  /** External services are not deployed on kind yet: every one is refused, before a cluster is made. */
  async checkExternal(versions: ExternalVersion[]): Promise<string[]> {
    return versions.map(
      (v) =>
        `${v.start.file}: service.versions.${v.version}: external services are not supported on the kind platform yet`,
    );
  }

  async start(ctx: PlatformContext): Promise<void> {
    refuseExternal(this.name, await this.checkExternal(ctx.external ?? []));
    this.ctx = ctx;
    const plan = planCluster(this.opts, ctx.runId);
    const missing = (await checkTools()).filter(
      (t) => !t.ok && (t.name === 'kubectl' || plan.mode !== 'target' || plan.kindName),
    );
    if (missing.length > 0)
      throw new PlatformUnavailableError(
        `kind platform unavailable: ${missing.map((t) => t.detail).join('; ')}`,
        missing.map((t) => t.hint).join('; '),
      );
    const docker = connectEngine();
    const engine = await probeEngine(docker);
    if (!engine.reachable)
      throw new PlatformUnavailableError(`kind platform unavailable: ${engine.detail}`, ENGINE_HINT);
    mkdirSync(join(ctx.workdir, 'logs'), { recursive: true });
    this.images = await ensureAppImages(docker, await ensureBase(docker, ctx.log));
    this.cluster = await openCluster(
      this.opts,
      ctx.runId,
      ctx.workdir,
      ctx.log,
      (h) => {
        this.cluster = h;
        this.guard(h);
      },
      ctx.signal,
    );
    this.guard(this.cluster);
    this.kube = new Kube(this.cluster.target);
    const reach = await this.kube.reach();
    if (!reach.ok)
      throw new PlatformUnavailableError(`kind platform unavailable: ${reach.detail}`, TOOL_HINTS.cluster);
    const { judge, router } = this.images;
    if (this.cluster.kindName) {
      await run('kind', kindLoadArgs(this.cluster.kindName, [judge, router]), {
        hint: `\`kind get clusters\`; the images are ${judge} and ${router}`,
        timeoutMs: 300_000,
      });
    } else {
      ctx.log.warn(
        `kind: ${this.cluster.describe} is not a kind cluster: ${judge} and ${router} must already be on its nodes`,
      );
    }
    const namespace = `rh-${m.dnsLabel(ctx.runId, 50)}-${randomBytes(2).toString('hex')}`;
    this.scope = { namespace, runId: ctx.runId, owner: `${process.pid}@${hostname()}` };
    this.guard(this.cluster);
    await this.kube.create(m.namespaceManifest(this.scope));
    await this.kube.create(m.storeClaim(this.scope));
    await this.kube.create(m.adminSecret(this.scope, { judge: this.adminToken, router: this.routerToken }));
    ctx.log.info(`kind: namespace ${namespace} on ${this.cluster.describe} (Kubernetes ${reach.version})`);
  }

  async startRouter(): Promise<RouterEndpoint> {
    const { ctx, kube, scope, images, cluster } = this.ready();
    const token = this.routerToken;
    const signal = this.starts.with(ctx.signal);
    return this.undoable(async (made) => {
      await made.create(m.routerDeployment(scope, images.router));
      await made.create(m.routerService(scope, cluster.owned));
      await kube.waitRollout(scope.namespace, m.ROUTER_NAME, { app: 'router' }, ROLLOUT_MS, signal);
      let endpoint: RouterEndpoint;
      if (cluster.owned) {
        endpoint = {
          url: `http://127.0.0.1:${m.ROUTER_NODE_PORTS.http}`,
          adminUrl: `http://127.0.0.1:${m.ROUTER_NODE_PORTS.admin}`,
          token,
        };
      } else {
        const svc = `service/${m.ROUTER_NAME}`;
        const open = async (port: number) =>
          made.forward(await PortForward.open(cluster.target, scope.namespace, svc, port, ctx.log)).url;
        endpoint = {
          url: await open(m.ROUTER_PORTS.http),
          adminUrl: await open(m.ROUTER_PORTS.admin),
          token,
        };
      }
      await waitReady(`${endpoint.adminUrl}/healthz`, 30_000, signal);
      return endpoint;
    });
  }

  async deploy(spec: DeploySpec): Promise<KindDeployment> {
    const { ctx, kube, scope, images, cluster } = this.ready();
    const n = this.counters.get(spec.version) ?? 0;
    this.counters.set(spec.version, n + 1);
    const name = m.versionName(spec.version) + (n > 0 ? `-${n}` : '');
    const signal = this.starts.with(ctx.signal);
    const instances = await this.undoable(async (made) => {
      await made.create(m.judgeDeployment(scope, { ...spec, name, image: images.judge }));
      if (!this.services.has(spec.version)) {
        await made.create(m.versionService(scope, spec.version));
        this.services.add(spec.version);
        made.onUndo(() => this.services.delete(spec.version));
      }
      const labels = m.judgePodLabels(scope, spec.version, name);
      await kube.waitRollout(scope.namespace, name, labels, ROLLOUT_MS, signal);
      const pods = await kube.readyPods(scope.namespace, labels);
      return startAll(
        pods.map(
          (pod) => () =>
            thenOrUndo(
              () =>
                PortForward.open(cluster.target, scope.namespace, `pod/${pod.name}`, m.JUDGE_PORT, ctx.log),
              async (forward) => {
                await waitReady(`${forward.url}/readyz`, 30_000, signal);
                return new KindInstance(
                  pod.name,
                  spec.version,
                  scope.namespace,
                  pod.ip,
                  forward,
                  kube,
                  cluster.target,
                );
              },
              async (forward) => forward.close(),
            ),
        ),
        async (i) => i.close(),
      ).then((all) => {
        for (const i of all) made.onUndo(() => i.close());
        return all;
      });
    });
    for (const i of instances) this.forwards.push(i.forward);
    const deployment = new KindDeployment(
      spec.version,
      name,
      scope.namespace,
      instances,
      kube,
      cluster.target,
      join(ctx.workdir, 'logs'),
    );
    this.deployments.push(deployment);
    ctx.log.debug(`deployed ${spec.version}`, {
      instances: instances.map((i) => `${i.id} ${i.routerUrl} via ${i.url}`),
    });
    return deployment;
  }

  async dispose(): Promise<void> {
    if (this.disposed || !this.cluster) return;
    this.disposed = true;
    // Starts in flight are aborted and undo themselves first, so that no port-forward outlives the namespace.
    await this.starts.close();
    for (const f of this.forwards) f.close();
    const problems: string[] = [];
    await Promise.all(this.deployments.filter((d) => !d.stopped).map((d) => d.saveLogs()));
    if (this.kube && this.scope)
      await this.kube.deleteNamespace(this.scope.namespace).catch((e) => problems.push(messageOf(e)));
    await closeCluster(this.cluster).catch((e) => problems.push(messageOf(e)));
    live.delete(this.key);
    if (problems.length > 0)
      this.ctx?.log.warn(
        `kind: clean-up incomplete: ${problems.join('; ')} — \`rehearse clean\` finds leftovers by label`,
      );
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.dispose();
  }

  /** Details for the report: the cluster (and its kubeconfig/context), the namespace and the image tags. */
  describe(): Record<string, string> {
    if (!this.images || !this.cluster) return {};
    const { base, judge, router } = this.images;
    const { kubeconfig, context } = this.cluster.target;
    return {
      cluster: this.cluster.describe,
      ...(kubeconfig ? { kubeconfig } : {}),
      ...(context ? { context } : {}),
      namespace: this.scope?.namespace ?? '',
      basePath: base.path,
      baseImage: base.ref,
      judgeImage: judge,
      routerImage: router,
    };
  }

  /**
   * Runs a start that creates objects and port-forwards through `made`; if it fails (or the platform is disposed
   * meanwhile), everything it made is deleted or closed, newest first, before the error propagates.
   */
  private undoable<T>(start: (made: Made) => Promise<T>): Promise<T> {
    const { kube } = this.ready();
    this.starts.assertOpen('kind platform');
    const undo: (() => unknown)[] = [];
    const made: Made = {
      create: async (manifest) => {
        await kube.create(manifest);
        undo.push(() => kube.remove(manifest));
      },
      forward: (f) => {
        this.forwards.push(f);
        undo.push(() => {
          f.close();
          this.forwards.splice(this.forwards.indexOf(f), 1);
        });
        return f;
      },
      onUndo: (fn) => undo.push(fn),
    };
    return this.starts.track(
      (async () => {
        try {
          const result = await start(made);
          this.starts.assertOpen('kind platform');
          return result;
        } catch (error) {
          for (const fn of undo.reverse())
            await Promise.resolve()
              .then(fn)
              .catch(() => undefined);
          throw error;
        }
      })(),
    );
  }

  /** Last resort on exit without dispose(): 'exit' handlers are synchronous, so this shells out to kubectl and kind. */
  private guard(cluster: ClusterHandle): void {
    const scope = this.scope;
    live.set(this.key, () => {
      const quiet = { stdio: 'ignore' as const, timeout: 20_000 };
      try {
        if (scope)
          execFileSync(
            'kubectl',
            [...kubectlTarget(cluster.target), 'delete', 'namespace', scope.namespace, '--wait=false'],
            quiet,
          );
        if (cluster.owned && cluster.kindName)
          execFileSync(
            'kind',
            ['delete', 'cluster', '--name', cluster.kindName, '--kubeconfig', cluster.target.kubeconfig!],
            quiet,
          );
      } catch {}
    });
    if (exitHooked) return;
    exitHooked = true;
    process.once('exit', () => {
      for (const clean of live.values()) clean();
    });
  }

  private ready() {
    const { ctx, kube, scope, images, cluster } = this;
    if (!ctx || !kube || !scope || !images || !cluster)
      throw new Error('kind platform: start() must be called first');
    return { ctx, kube, scope, images, cluster };
  }
}
