import type Docker from 'dockerode';
import type { Instance } from '../platform.js';
import { waitContainerReady } from './containers.js';

/** Port the judge service listens on inside its container. */
export const JUDGE_PORT = 8080;

/** One judge service container; every fault goes through the Docker API. */
export class DockerInstance implements Instance {
  constructor(
    readonly id: string,
    readonly version: string,
    /** Container name: also its DNS name on the run's network. */
    readonly name: string,
    readonly container: Docker.Container,
    private readonly network: Docker.Network,
    /** Published 127.0.0.1 port. */
    readonly hostPort: number,
    /** Where it listens inside the container and answers readiness (an external version's own). */
    private readonly serves: { port: number; readiness: string; liveness: string; timeoutMs: number } = {
      port: JUDGE_PORT,
      readiness: '/readyz',
      liveness: '/healthz',
      timeoutMs: 30_000,
    },
  ) {}

  get readinessPath(): string {
    return this.serves.readiness;
  }

  get livenessPath(): string {
    return this.serves.liveness;
  }

  /** The readiness URL from the harness. */
  get readyUrl(): string {
    return `${this.url}${this.serves.readiness}`;
  }

  /** Harness-side URL (published port on 127.0.0.1). */
  get url(): string {
    return `http://127.0.0.1:${this.hostPort}`;
  }

  /** Router-side URL: the container name on the run's network. */
  get routerUrl(): string {
    return `http://${this.name}:${this.serves.port}`;
  }

  /** SIGKILL through the engine; resolves once the container has stopped. */
  async kill(): Promise<void> {
    await this.container.kill({ signal: 'SIGKILL' }).catch(ignoreNotRunning);
    await this.container.wait({ condition: 'not-running' });
  }

  /** Freezes every process of the container (cgroup freezer). */
  async pause(): Promise<void> {
    await this.container.pause();
  }

  /** Thaws a paused container. */
  async resume(): Promise<void> {
    await this.container.unpause();
  }

  /** Graceful stop: SIGTERM, then SIGKILL after `graceMs`. */
  async stop(graceMs = 3000): Promise<void> {
    await this.container.stop({ t: Math.ceil(graceMs / 1000) }).catch(ignoreNotRunning);
  }

  /**
   * Restarts the container with its start-up arguments (toggles included) and waits until it is ready again on the
   * same port; by default abruptly (kill, then start), with `graceMs` after a SIGTERM. Also starts a killed container.
   */
  async restart(graceMs = 0, signal?: AbortSignal): Promise<void> {
    await this.container.restart({ t: Math.ceil(graceMs / 1000) });
    await waitContainerReady(this.container, this.readyUrl, this.serves.timeoutMs, signal);
  }

  /** Starts a stopped or killed container again and waits until it is ready. */
  async start(signal?: AbortSignal): Promise<void> {
    await this.container.start().catch(ignoreNotRunning);
    await waitContainerReady(this.container, this.readyUrl, this.serves.timeoutMs, signal);
  }

  /** Cuts the container off the run's network: the router (and the harness) can no longer reach it. */
  async disconnect(): Promise<void> {
    await this.network.disconnect({ Container: this.container.id, Force: true });
  }

  /** Joins the run's network again under its name. */
  async reconnect(): Promise<void> {
    await this.network.connect({ Container: this.container.id, EndpointConfig: { Aliases: [this.name] } });
  }
}

/** 304 (already in that state) and 409 (not running) are not failures for kill/stop. */
function ignoreNotRunning(error: { statusCode?: number }): void {
  if (error.statusCode !== 304 && error.statusCode !== 409) throw error;
}
