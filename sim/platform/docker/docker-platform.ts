import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type Docker from 'dockerode';
import { PlatformUnavailableError, RehearsalError } from '../../util/errors.js';
import { freePort } from '../../util/free-port.js';
import { fill, refuseExternal } from '../external.js';
import { type AppImages, ensureAppImages, SAMPLE_IMAGE } from '../images/app-images.js';
import { describeBasePath, ensureBase } from '../images/base-image.js';
import { hasImage } from '../images/docker-images.js';
import type {
  Deployment,
  DeploySpec,
  ExternalStart,
  ExternalVersion,
  Platform,
  PlatformContext,
  Probe,
  RouterEndpoint,
} from '../platform.js';
import { Starts, startAll, thenOrUndo } from '../starts.js';
import { removeLabelled, removeLabelledSync } from './cleanup.js';
import { loopbackBindings, saveLogs, waitContainerReady } from './containers.js';
import { DockerInstance, JUDGE_PORT } from './docker-instance.js';
import { connectEngine, ENGINE_HINT, probeEngine } from './engine.js';
import { dockerName, SCOPE_LABEL, scopeLabels } from './labels.js';

const live = new Set<string>();

interface ContainerOptions {
  env?: string[];
  ports: Record<number, number>;
  volume?: string;
  processes: number;
}

let exitHooked = false;

/** Judge service instances and the router as containers on one labelled network, the store on one labelled volume. */
export class DockerPlatform implements Platform {
  readonly name = 'docker';
  readonly adminToken = randomBytes(12).toString('hex');
  private readonly docker: Docker = connectEngine();
  private ctx: PlatformContext | undefined;
  private scope = '';
  private images: AppImages | undefined;
  private network: Docker.Network | undefined;
  private volume = '';
  private counters = new Map<string, number>();
  private topLevelCgroups = false;
  private readonly starts = new Starts();

  async probe(): Promise<Probe> {
    const engine = await probeEngine(this.docker);
    if (!engine.reachable)
      return { name: this.name, available: false, detail: engine.detail, hint: ENGINE_HINT };
    return {
      name: this.name,
      available: true,
      detail: `engine ${engine.version}; ${await describeBasePath(this.docker)}`,
    };
  }

  async start(ctx: PlatformContext): Promise<void> {
    const engine = await probeEngine(this.docker);
    if (!engine.reachable)
      throw new PlatformUnavailableError(`docker platform unavailable: ${engine.detail}`, ENGINE_HINT);
    this.ctx = ctx;
    this.scope = `rh-${dockerName(ctx.runId).slice(-20)}-${randomBytes(2).toString('hex')}`;
    mkdirSync(join(ctx.workdir, 'logs'), { recursive: true });
    const t0 = Date.now();
    const base = await ensureBase(this.docker, ctx.log);
    this.images = await ensureAppImages(this.docker, base);
    ctx.log.info(
      `docker: images ready in ${Date.now() - t0} ms; base ${base.ref} (${base.path}); ${this.images.judge}, ${this.images.router}`,
    );
    // After the sample's images (its stable tag may be one of them), before the network and volume.
    refuseExternal(this.name, await this.checkExternal(ctx.external ?? []));
    // With cgroupfs, containers normally share one `docker` cgroup that weighs as much as a single process: on a
    // busy machine they would get a fraction of the CPU that the same programs get as local processes.
    this.topLevelCgroups = (await this.docker.info()).CgroupDriver === 'cgroupfs';
    this.guardExit();
    const labels = this.labels();
    this.network = await this.docker.createNetwork({
      Name: this.scope,
      Driver: 'bridge',
      Labels: labels,
      CheckDuplicate: true,
    });
    this.volume = `${this.scope}-store`;
    await this.docker.createVolume({ Name: this.volume, Labels: labels });
  }

  /** Every external version needs an `image` that exists in the local engine: nothing is pulled. */
  async checkExternal(versions: ExternalVersion[]): Promise<string[]> {
    const problems: string[] = [];
    for (const { version, start } of versions) {
      const where = `${start.file}: service.versions.${version}`;
      if (start.image === undefined)
        problems.push(`${where} has no image: the docker platform runs an image, not a command`);
      else if (!(await hasImage(this.docker, start.image)))
        problems.push(
          `${where}: image ${start.image} not found locally (nothing is pulled: \`docker pull ${start.image}\`, \`docker load\` or \`docker build -t ${start.image} .\` it first${start.image.startsWith(`${SAMPLE_IMAGE.repo}:`) ? '; the sample judge image is tagged by any docker run of a sample scenario' : ''})`,
        );
    }
    return problems;
  }

  async startRouter(): Promise<RouterEndpoint> {
    const { ctx, images } = this.ready();
    const token = randomBytes(12).toString('hex');
    const [port, adminPort] = [await freePort(), await freePort()];
    const endpoint = { url: `http://127.0.0.1:${port}`, adminUrl: `http://127.0.0.1:${adminPort}`, token };
    await this.startContainer(
      `${this.scope}-router`,
      images.router,
      [],
      {
        env: [`REHEARSAL_ROUTER_TOKEN=${token}`],
        ports: { 8000: port, 8001: adminPort },
        processes: 1,
      },
      (c) => waitContainerReady(c, `${endpoint.adminUrl}/healthz`, 30_000, this.starts.with(ctx.signal)),
    );
    return endpoint;
  }

  async deploy(spec: DeploySpec): Promise<Deployment> {
    const { ctx } = this.ready();
    const instances = await this.startInstances(spec, spec.replicas);
    const retire = async (i: DockerInstance, graceMs: number) => {
      await i.stop(graceMs);
      await saveLogs(i.container, join(ctx.workdir, 'logs', `${i.id}.log`));
      await i.container.remove({ force: true, v: true }).catch(() => undefined);
    };
    const stop = async (graceMs = 3000) => {
      await Promise.all(instances.map((i) => retire(i, graceMs)));
    };
    // Scaling up appends ready instances; scaling down retires the last ones (the caller routes them away first).
    const scale = async (replicas: number) => {
      if (replicas > instances.length) {
        instances.push(...(await this.startInstances(spec, replicas - instances.length)));
      } else if (replicas < instances.length) {
        await Promise.all(instances.splice(Math.max(0, replicas)).map((i) => retire(i, 3000)));
      }
      ctx.log.debug(`scaled ${spec.version} to ${instances.length}`);
    };
    ctx.log.debug(`deployed ${spec.version}`, { instances: instances.map((i) => `${i.name} ${i.url}`) });
    const deployment: Deployment = {
      version: spec.version,
      instances,
      stop,
      scale,
      [Symbol.asyncDispose]: () => stop(),
    };
    return deployment;
  }

  async dispose(): Promise<void> {
    if (!this.ctx || !this.scope) return;
    // Starts in flight are aborted and settle first, so that no container is created after the removal below.
    await this.starts.close();
    const logs = join(this.ctx.workdir, 'logs');
    await removeLabelled(this.docker, [`${SCOPE_LABEL}=${this.scope}`], {
      beforeRemove: (c, name) => saveLogs(c, join(logs, `${name.replace(`${this.scope}-`, '')}.log`)),
    });
    live.delete(this.scope);
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.dispose();
  }

  /** Details for the report: the engine, how the base image was obtained, and the image tags. */
  describe(): Record<string, string> {
    if (!this.images) return {};
    const { base, judge, router } = this.images;
    return {
      basePath: base.path,
      baseImage: base.ref,
      baseDetail: base.detail,
      judgeImage: judge,
      routerImage: router,
      scope: this.scope,
    };
  }

  /** Starts `n` instances at once; if one fails, the others are removed before the error propagates. */
  private startInstances(spec: DeploySpec, n: number): Promise<DockerInstance[]> {
    return startAll(
      Array.from({ length: n }, () => () => this.startInstance(spec)),
      (i) => this.discard(i.container, i.name),
    );
  }

  private async startInstance(spec: DeploySpec): Promise<DockerInstance> {
    const { ctx, images, network } = this.ready();
    const n = this.counters.get(spec.version) ?? 0;
    this.counters.set(spec.version, n + 1);
    const id = `${spec.version}-${n}`;
    const name = `${this.scope}-${dockerName(id)}`;
    if (spec.external) return this.startExternal(spec.version, spec.external, id, name);
    const args = ['--version', spec.version, '--instance', id];
    if (spec.workers !== undefined) args.push('--workers', String(spec.workers));
    if (spec.toggles && Object.keys(spec.toggles).length > 0)
      args.push('--toggles', JSON.stringify(spec.toggles));
    const hostPort = await freePort();
    return this.startContainer(
      name,
      images.judge,
      args,
      {
        env: [`JUDGE_ADMIN_TOKEN=${this.adminToken}`],
        ports: { [JUDGE_PORT]: hostPort },
        volume: this.volume,
        processes: 1 + (spec.workers ?? 2),
      },
      async (container) => {
        const instance = new DockerInstance(id, spec.version, name, container, network, hostPort);
        await waitContainerReady(container, `${instance.url}/readyz`, 30_000, this.starts.with(ctx.signal));
        return instance;
      },
    );
  }

  /** Starts an external version's image with its port published on 127.0.0.1 and waits for its readiness path. */
  private async startExternal(
    version: string,
    ext: ExternalStart,
    id: string,
    name: string,
  ): Promise<DockerInstance> {
    const { ctx, network } = this.ready();
    const hostPort = await freePort();
    const values = { port: ext.port, instance: id, file: ext.file };
    const env = Object.entries(ext.env).map(([k, v]) => `${k}=${fill(v, values)}`);
    return this.startContainer(
      name,
      ext.image!,
      undefined,
      { env: [...env, `PORT=${ext.port}`], ports: { [ext.port]: hostPort }, processes: 1 },
      async (container) => {
        const serves = {
          port: ext.port,
          readiness: ext.readiness,
          liveness: ext.liveness,
          timeoutMs: ext.startupTimeoutMs,
        };
        const instance = new DockerInstance(id, version, name, container, network, hostPort, serves);
        const signal = this.starts.with(ctx.signal);
        await waitContainerReady(container, instance.readyUrl, ext.startupTimeoutMs, signal).catch(
          (error: unknown) => {
            if (signal.aborted || !(error instanceof RehearsalError)) throw error;
            throw new RehearsalError(
              `${ext.file}: service.versions.${version}: container ${name} (${ext.image}) did not become ready: ${error.message}`,
              error.hint,
            );
          },
        );
        return instance;
      },
    );
  }

  /**
   * Creates and starts a container, then runs `ready` on it; if starting or `ready` fails (or the platform is
   * disposed meanwhile), the container is removed before the error propagates. Tracked, so `dispose()` waits for it.
   */
  private startContainer<T>(
    name: string,
    image: string,
    cmd: string[] | undefined,
    opts: ContainerOptions,
    ready: (c: Docker.Container) => Promise<T>,
  ): Promise<T> {
    this.starts.assertOpen(`container ${name}`);
    return this.starts.track(
      thenOrUndo(
        () => this.createContainer(name, image, cmd, opts),
        async (c) => {
          const result = await ready(c);
          this.starts.assertOpen(`container ${name}`);
          return result;
        },
        (c) => this.discard(c, name),
      ),
    );
  }

  private async createContainer(
    name: string,
    image: string,
    cmd: string[] | undefined,
    opts: ContainerOptions,
  ): Promise<Docker.Container> {
    const { ExposedPorts, PortBindings } = loopbackBindings(opts.ports);
    const container = await this.docker.createContainer({
      name,
      Image: image,
      // None: the image's own CMD (an external service).
      ...(cmd ? { Cmd: cmd } : {}),
      Env: opts.env ?? [],
      Labels: this.labels(),
      ExposedPorts,
      StopTimeout: 3,
      HostConfig: {
        PortBindings,
        NetworkMode: this.scope,
        // Each container its own top-level cgroup, weighted like its processes would be outside Docker.
        ...(this.topLevelCgroups ? { CgroupParent: '/', CpuShares: 1024 * opts.processes } : {}),
        ...(opts.volume
          ? { Mounts: [{ Type: 'volume' as const, Source: opts.volume, Target: '/data' }] }
          : {}),
      },
      NetworkingConfig: { EndpointsConfig: { [this.scope]: { Aliases: [name] } } },
    });
    await container.start().catch(async (error: unknown) => {
      await this.discard(container, name);
      throw error;
    });
    return container;
  }

  /** Saves a container's log to the run folder, then removes it with its anonymous volumes; best effort. */
  private async discard(c: Docker.Container, name: string): Promise<void> {
    if (this.ctx)
      await saveLogs(c, join(this.ctx.workdir, 'logs', `${name.replace(`${this.scope}-`, '')}.log`));
    await c.remove({ force: true, v: true }).catch(() => undefined);
  }

  private labels(): Record<string, string> {
    return scopeLabels(this.ctx!.runId, this.scope);
  }

  private guardExit(): void {
    live.add(this.scope);
    if (exitHooked) return;
    exitHooked = true;
    process.once('exit', () => {
      for (const scope of live) removeLabelledSync(`${SCOPE_LABEL}=${scope}`);
    });
  }

  private ready(): { ctx: PlatformContext; images: AppImages; network: Docker.Network } {
    if (!this.ctx || !this.images || !this.network)
      throw new Error('docker platform: start() must be called first');
    return { ctx: this.ctx, images: this.images, network: this.network };
  }
}
