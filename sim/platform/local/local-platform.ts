import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { killGroup } from '../../util/child-registry.js';
import { ExitCode, RehearsalError } from '../../util/errors.js';
import { freePort } from '../../util/free-port.js';
import { nullLogger } from '../../util/logger.js';
import { paths } from '../../util/paths.js';
import { fill, logTail, refuseExternal } from '../external.js';
import type {
  Deployment,
  DeploySpec,
  ExternalStart,
  ExternalVersion,
  Instance,
  Platform,
  PlatformContext,
  Probe,
  RouterEndpoint,
} from '../platform.js';
import { Starts, startAll } from '../starts.js';
import { type NodeProcess, startCommand, startNodeProcess, stopNodeProcess } from './node-process.js';
import { waitReady } from './wait-ready.js';

/** Child processes on 127.0.0.1: the embedded default, needs nothing but Node. */
export class LocalPlatform implements Platform {
  readonly name = 'local';
  readonly adminToken = randomBytes(12).toString('hex');
  private ctx: PlatformContext | undefined;
  private readonly processes = new Set<NodeProcess>();
  private counters = new Map<string, number>();
  private readonly starts = new Starts();

  async probe(): Promise<Probe> {
    const { existsSync } = await import('node:fs');
    const missing = [paths.judgeService, paths.router].filter((p) => !existsSync(p));
    if (missing.length > 0) {
      return {
        name: this.name,
        available: false,
        detail: `not built: ${missing.join(', ')}`,
        hint: 'run `npm run build`',
      };
    }
    return {
      name: this.name,
      available: true,
      detail: `node ${process.version}, child processes on 127.0.0.1`,
    };
  }

  async start(ctx: PlatformContext): Promise<void> {
    const probe = await this.probe();
    if (!probe.available)
      throw new RehearsalError(
        `local platform unavailable: ${probe.detail}`,
        probe.hint ?? '',
        ExitCode.platformUnavailable,
      );
    refuseExternal(this.name, await this.checkExternal(ctx.external ?? []));
    this.ctx = ctx;
    mkdirSync(join(ctx.workdir, 'logs'), { recursive: true });
  }

  /** Every external version needs a `command` here (an image alone is for docker). */
  async checkExternal(versions: ExternalVersion[]): Promise<string[]> {
    return versions
      .filter((v) => v.start.command === undefined)
      .map(
        (v) =>
          `${v.start.file}: service.versions.${v.version} has no command: the local platform runs a command (argv), not an image`,
      );
  }

  async startRouter(): Promise<RouterEndpoint> {
    const ctx = this.context();
    const token = randomBytes(12).toString('hex');
    const proc = await this.startProcess({
      script: paths.router,
      args: ['--port', '0', '--admin-port', '0'],
      // Secrets through the environment, never argv: /proc/<pid>/cmdline is readable by every user.
      env: { ...process.env, REHEARSAL_ROUTER_TOKEN: token },
      logFile: join(ctx.workdir, 'logs', 'router.log'),
      label: 'router',
    });
    const { port, adminPort } = proc.listening as { port: number; adminPort: number };
    return { url: `http://127.0.0.1:${port}`, adminUrl: `http://127.0.0.1:${adminPort}`, token };
  }

  async deploy(spec: DeploySpec): Promise<Deployment> {
    const ctx = this.context();
    const started = await this.startInstances(spec, spec.replicas);
    const instances = started.map((s) => s.instance);
    const stop = async (graceMs = 3000) => {
      // Each slot's process may have been replaced by a restart: read it now.
      const all = started.splice(0).map((s) => s.proc);
      await Promise.all(all.map((p) => stopNodeProcess(p, graceMs)));
      for (const p of all) this.processes.delete(p);
    };
    const scale = async (replicas: number) => {
      if (replicas > instances.length) {
        const more = await this.startInstances(spec, replicas - instances.length);
        for (const m of more) {
          instances.push(m.instance);
          started.push(m);
        }
      } else if (replicas < instances.length) {
        instances.splice(Math.max(0, replicas));
        const gone = started.splice(Math.max(0, replicas)).map((s) => s.proc);
        await Promise.all(gone.map((p) => stopNodeProcess(p, 3000)));
        for (const p of gone) this.processes.delete(p);
      }
      ctx.log.debug(`scaled ${spec.version} to ${instances.length}`);
    };
    ctx.log.debug(`deployed ${spec.version}`, { instances: instances.map((i) => i.url) });
    return { version: spec.version, instances, stop, scale, [Symbol.asyncDispose]: () => stop() };
  }

  async dispose(): Promise<void> {
    // Starts in flight are aborted and settle first, so that nothing they made escapes the stop below.
    await this.starts.close();
    const all = [...this.processes];
    this.processes.clear();
    await Promise.all(all.map((p) => stopNodeProcess(p, 2000)));
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.dispose();
  }

  /** Starts `n` instances at once; if one fails, the others are stopped before the error propagates. */
  private startInstances(spec: DeploySpec, n: number): Promise<{ instance: Instance; proc: NodeProcess }[]> {
    return startAll(
      Array.from({ length: n }, () => () => this.startInstance(spec)),
      (s) => this.stopNow(s.proc),
    );
  }

  /** Starts a node program, tracked so that `dispose()` waits for it and stops it. */
  private startProcess(opts: Parameters<typeof startNodeProcess>[0]): Promise<NodeProcess> {
    const ctx = this.context();
    this.starts.assertOpen(opts.label);
    return this.starts.track(
      startNodeProcess({ ...opts, signal: this.starts.with(ctx.signal) }).then((proc) => {
        this.processes.add(proc);
        return proc;
      }),
    );
  }

  /** Kills a process group at once and waits for the process to exit. */
  private async stopNow(proc: NodeProcess): Promise<void> {
    await stopNodeProcess(proc, 0);
    this.processes.delete(proc);
  }

  private async startInstance(spec: DeploySpec): Promise<{ instance: Instance; proc: NodeProcess }> {
    const n = this.counters.get(spec.version) ?? 0;
    this.counters.set(spec.version, n + 1);
    const id = `${spec.version}-${n}`;
    const first = await this.spawnInstance(spec, id, 0);
    const port = first.port;
    // Mutable: a restart replaces the process behind the same id and address.
    const slot = { proc: first.proc, instance: undefined as unknown as Instance };
    const url = `http://127.0.0.1:${port}`;
    slot.instance = {
      id,
      version: spec.version,
      url,
      routerUrl: url,
      ...(spec.external
        ? { readinessPath: spec.external.readiness, livenessPath: spec.external.liveness }
        : {}),
      kill: async () => {
        killGroup(slot.proc.child.pid!, 'SIGKILL');
        await slot.proc.exited;
      },
      pause: async () => killGroup(slot.proc.child.pid!, 'SIGSTOP'),
      resume: async () => killGroup(slot.proc.child.pid!, 'SIGCONT'),
      restart: async () => {
        killGroup(slot.proc.child.pid!, 'SIGKILL');
        await slot.proc.exited;
        this.processes.delete(slot.proc);
        slot.proc = (await this.spawnInstance(spec, id, port)).proc;
      },
    };
    return slot as { instance: Instance; proc: NodeProcess };
  }

  private async spawnInstance(
    spec: DeploySpec,
    id: string,
    port: number,
  ): Promise<{ proc: NodeProcess; port: number }> {
    if (spec.external) return this.spawnExternal(spec.version, spec.external, id, port);
    const ctx = this.context();
    const args = [
      '--port',
      String(port),
      '--version',
      spec.version,
      '--instance',
      id,
      '--db',
      join(ctx.workdir, 'store.sqlite'),
    ];
    args.push('--problems', paths.problems);
    if (spec.workers !== undefined) args.push('--workers', String(spec.workers));
    if (spec.toggles && Object.keys(spec.toggles).length > 0)
      args.push('--toggles', JSON.stringify(spec.toggles));
    const proc = await this.startProcess({
      script: paths.judgeService,
      args,
      env: { ...process.env, JUDGE_ADMIN_TOKEN: this.adminToken },
      logFile: join(ctx.workdir, 'logs', `${id}.log`),
      label: `judge service ${id}`,
    });
    const bound = (proc.listening as { port: number }).port;
    // A process that dies before it is ready fails the start at once, not when the readiness wait times out.
    const died = new AbortController();
    proc.exited.then((code) =>
      died.abort(
        new RehearsalError(
          `judge service ${id} exited during start-up (code ${code}, signal ${proc.child.signalCode})`,
          `see its log ${join(ctx.workdir, 'logs', `${id}.log`)}`,
        ),
      ),
    );
    const signal = AbortSignal.any([this.starts.with(ctx.signal), died.signal]);
    await this.starts.track(
      waitReady(`http://127.0.0.1:${bound}/readyz`, 15_000, signal).catch(async (error: unknown) => {
        await this.stopNow(proc);
        throw error;
      }),
    );
    return { proc, port: bound };
  }

  /**
   * Starts an external version's command on a free port (or `port`, on a restart) and waits for its readiness
   * path; a start that fails (no program, exits, never ready) kills its group and names the file, version and log.
   */
  private async spawnExternal(
    version: string,
    ext: ExternalStart,
    id: string,
    port: number,
  ): Promise<{ proc: NodeProcess; port: number }> {
    const ctx = this.context();
    const bound = port || (await freePort());
    const values = { port: bound, instance: id, workdir: ctx.workdir, file: ext.file };
    const logFile = join(ctx.workdir, 'logs', `${id}.log`);
    const env = Object.fromEntries(Object.entries(ext.env).map(([k, v]) => [k, fill(v, values)]));
    const failure = (why: string) =>
      new RehearsalError(
        `${ext.file}: service.versions.${version}: instance ${id} ${why}`,
        `its log ${logFile} ends: ${logTail(logFile)}`,
      );
    this.starts.assertOpen(`external service ${id}`);
    const proc = await this.starts.track(
      startCommand({
        argv: (ext.command ?? []).map((a) => fill(a, values)),
        env: { ...process.env, ...env, PORT: String(bound) },
        logFile,
        label: `${ext.file}: service.versions.${version}: command`,
      }),
    );
    this.processes.add(proc);
    const died = new AbortController();
    proc.exited.then((code) =>
      died.abort(failure(`exited during start-up (code ${code}, signal ${proc.child.signalCode})`)),
    );
    const signal = AbortSignal.any([this.starts.with(ctx.signal), died.signal]);
    const url = `http://127.0.0.1:${bound}${ext.readiness}`;
    await this.starts.track(
      waitReady(url, ext.startupTimeoutMs, signal).catch(async (error: unknown) => {
        // Read before the stop below, which ends the process too.
        const [diedFirst, aborted] = [died.signal.aborted, signal.aborted];
        await this.stopNow(proc);
        if (diedFirst) throw died.signal.reason;
        if (error instanceof RehearsalError && !aborted)
          throw failure(`was not ready within ${ext.startupTimeoutMs} ms (${error.message})`);
        throw error;
      }),
    );
    return { proc, port: bound };
  }

  private context(): PlatformContext {
    if (!this.ctx) throw new Error('local platform: start() must be called first');
    return { ...this.ctx, log: this.ctx.log ?? nullLogger };
  }
}
