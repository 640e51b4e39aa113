import { execa, type ResultPromise } from 'execa';
import { RehearsalError } from '../../util/errors.js';
import { freePort } from '../../util/free-port.js';
import type { Logger } from '../../util/logger.js';
import { type KubeTarget, parseForwarding, portForwardArgs } from './commands.js';

/**
 * `kubectl port-forward` of one pod or service port to a fixed 127.0.0.1 port, restarted whenever kubectl exits
 * (it does when the pod's container restarts or the connection to the API server drops), so the harness keeps one
 * address per instance for the whole run.
 */
export class PortForward {
  private child: ResultPromise | undefined;
  private closed = false;

  private constructor(
    private readonly args: string[],
    private readonly label: string,
    private readonly log: Logger,
    /** The loopback port. */
    readonly port: number,
  ) {}

  /** Harness-side base URL. */
  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Opens a forward and resolves once kubectl says it listens. */
  static async open(
    target: KubeTarget,
    namespace: string,
    resource: string,
    remotePort: number,
    log: Logger,
    timeoutMs = 20_000,
  ): Promise<PortForward> {
    const port = await freePort();
    const pf = new PortForward(
      portForwardArgs(target, namespace, resource, port, remotePort),
      `${namespace}/${resource}`,
      log,
      port,
    );
    await pf.spawn(timeoutMs);
    return pf;
  }

  /** Stops the forward for good. */
  close(): void {
    this.closed = true;
    this.child?.kill('SIGTERM');
  }

  /** Starts kubectl again after a pause that grows with each failed attempt (0.5 s … 5 s), until closed. */
  private respawn(timeoutMs: number, attempt: number): void {
    setTimeout(
      () => {
        if (this.closed) return;
        this.spawn(timeoutMs).catch((error: Error) => {
          this.log.debug(error.message);
          this.respawn(timeoutMs, attempt + 1);
        });
      },
      Math.min(500 * 2 ** attempt, 5000),
    ).unref();
  }

  private spawn(timeoutMs: number): Promise<void> {
    const child = execa('kubectl', this.args, {
      stdin: 'ignore',
      buffer: false,
      reject: false,
      cleanup: true,
    });
    this.child = child;
    let stderr = '';
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => fail(`no "Forwarding from" line within ${timeoutMs} ms`), timeoutMs);
      let settled = false;
      const fail = (why: string) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        child.kill('SIGKILL');
        reject(
          new RehearsalError(
            `kubectl port-forward ${this.label} failed: ${why}${stderr ? `: ${stderr.trim()}` : ''}`,
            'check `kubectl get pods` in the namespace',
          ),
        );
      };
      child.stdout?.on('data', (chunk: Buffer) => {
        if (
          !settled &&
          chunk
            .toString()
            .split('\n')
            .some((l) => parseForwarding(l) === this.port)
        ) {
          settled = true;
          clearTimeout(timer);
          resolve();
        }
      });
      child.stderr?.on('data', (chunk: Buffer) => {
        stderr = (stderr + chunk.toString()).slice(-2000);
      });
      child.then((result) => {
        if (!settled) return fail(`exited with ${result.exitCode ?? result.signal}`);
        if (this.closed || this.child !== child) return;
        this.log.debug(
          `port-forward ${this.label} exited (${stderr.trim().split('\n').pop() ?? ''}); restarting`,
        );
        this.respawn(timeoutMs, 0);
      });
    });
  }
}
