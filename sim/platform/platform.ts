import type { Logger } from '../util/logger.js';

/** What a probe found: usable, or why not and what to do about it. */
export interface Probe {
  name: string;
  available: boolean;
  detail: string;
  hint?: string;
}

/** Everything a platform needs to know about the run it serves. */
export interface PlatformContext {
  runId: string;
  /** A folder of this run's own (logs, the store file for local processes). */
  workdir: string;
  log: Logger;
  signal?: AbortSignal;
  /** The external versions the run will deploy (service.kind external), checked by `start` before it creates anything. */
  external?: ExternalVersion[];
}

/** How to start one version of a service Rehearsal does not build (a scenario's `service.versions.<label>`). */
export interface ExternalStart {
  /** The scenario file it comes from, named by every error about it. */
  file: string;
  /** A local image (docker); never pulled. */
  image?: string;
  /** argv without a shell (local), with the placeholders of `placeholders` (external.ts) filled in. */
  command?: string[];
  /** The port it listens on (inside its container on docker; local: where `{port}` goes). */
  port: number;
  liveness: string;
  readiness: string;
  env: Record<string, string>;
  startupTimeoutMs: number;
}

/** An external version by its label. */
export interface ExternalVersion {
  version: string;
  start: ExternalStart;
}

/** How to start the instances of one version. */
export interface DeploySpec {
  version: string;
  replicas: number;
  /** Behaviour toggles the service starts with (see fixtures/judge-service/README.md). */
  toggles?: Record<string, unknown>;
  /** Sandbox worker processes per instance. */
  workers?: number;
  /** Start this external version instead of the sample judge (toggles and workers then do not apply). */
  external?: ExternalStart;
}

/** One running instance of the judge service. */
export interface Instance {
  id: string;
  version: string;
  /** Base URL reachable from the harness (127.0.0.1). */
  url: string;
  /** Base URL the router uses to reach it (the same as `url` for local processes). */
  routerUrl: string;
  /** The path its readiness is probed at: `/readyz` (the sample judge's) unless an external version names its own. */
  readinessPath?: string;
  /** The path its liveness is probed at: `/healthz` unless an external version names its own. */
  livenessPath?: string;
  /** Stops it abruptly (SIGKILL or equivalent): in-flight work is lost, leases expire. */
  kill(): Promise<void>;
  /** Freezes it: connections hang until `resume`. */
  pause(): Promise<void>;
  /** Unfreezes a paused instance. */
  resume(): Promise<void>;
  /** Kills it and starts it again at the same address with its start-up toggles, ready; absent where unsupported. */
  restart?(): Promise<void>;
}

/** The running instances of one version; stopping it stops them all. */
export interface Deployment extends AsyncDisposable {
  version: string;
  instances: Instance[];
  /** Graceful stop: SIGTERM, then a kill after the grace period. */
  stop(graceMs?: number): Promise<void>;
  /**
   * Changes the number of instances: new ones are started and waited for until ready and appended to
   * `instances`; on scaling down the last instances are stopped gracefully and removed (route them away first).
   */
  scale(replicas: number): Promise<void>;
}

/** The router as started by a platform. */
export interface RouterEndpoint {
  /** Data plane, reachable from the harness. */
  url: string;
  /** Admin API and /metrics. */
  adminUrl: string;
  token: string;
}

/** Where instances run. The release controller talks to this interface and never knows which one runs. */
export interface Platform extends AsyncDisposable {
  readonly name: string;
  /** Token the judge service's admin API expects (faults use it). */
  readonly adminToken: string;
  /** Whether this platform can run here, without starting anything. */
  probe(): Promise<Probe>;
  /** Prepares the run (store, network); must be called before anything else. */
  start(ctx: PlatformContext): Promise<void>;
  /** Starts the router. */
  startRouter(): Promise<RouterEndpoint>;
  /** Starts `spec.replicas` instances of a version and waits until each is ready. */
  deploy(spec: DeploySpec): Promise<Deployment>;
  /** Stops everything this platform started for the run. Safe to call more than once. */
  dispose(): Promise<void>;
  /**
   * Why this platform cannot start these external versions (no command, a missing image, unsupported), one line
   * each naming the file and version; empty when it can. Starts nothing; `start` refuses on any.
   */
  checkExternal(versions: ExternalVersion[]): Promise<string[]>;
  /** Details worth recording in the report (images, how they were obtained); optional. */
  describe?(): Record<string, string>;
}
