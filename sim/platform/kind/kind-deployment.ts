import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Deployment } from '../platform.js';
import { type KubeTarget, kubectlTarget } from './commands.js';
import type { KindInstance } from './kind-instance.js';
import type { Kube } from './kube.js';
import { run } from './tools.js';

/** The pods of one version's Deployment; stopping it deletes the Deployment after saving each pod's log. */
export class KindDeployment implements Deployment {
  private isStopped = false;

  constructor(
    readonly version: string,
    /** The Deployment's name in the namespace. */
    readonly name: string,
    readonly namespace: string,
    readonly instances: KindInstance[],
    private readonly kube: Kube,
    private readonly target: KubeTarget,
    private readonly logDir: string,
  ) {}

  /** Sets the replica count (0 takes the version down: every pod terminates). New pods are not added to `instances`. */
  async scale(replicas: number): Promise<void> {
    await this.kube.scale(this.namespace, this.name, replicas);
  }

  /** Whether `stop()` has run (its logs are saved then). */
  get stopped(): boolean {
    return this.isStopped;
  }

  /** Graceful stop: the pods get SIGTERM, and SIGKILL after their grace period (3 s). */
  async stop(_graceMs = 3000): Promise<void> {
    if (this.isStopped) return;
    this.isStopped = true;
    await this.saveLogs();
    for (const i of this.instances) i.close();
    await this.kube.apps
      .deleteNamespacedDeployment({ name: this.name, namespace: this.namespace })
      .catch(() => undefined);
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.stop();
  }

  /** Writes each pod's log (and the previous container's, after a restart) to the run folder; best effort. */
  async saveLogs(): Promise<void> {
    await Promise.all(
      this.instances.map(async (i) => {
        const args = [
          ...kubectlTarget(this.target),
          'logs',
          '--namespace',
          this.namespace,
          i.id,
          '-c',
          'judge',
          '--tail',
          '2000',
        ];
        const text = await run('kubectl', args, { hint: '', timeoutMs: 15_000 }).catch(
          (e: Error) => `(no log: ${e.message})`,
        );
        await writeFile(join(this.logDir, `${i.id}.log`), `${text}\n`).catch(() => undefined);
      }),
    );
  }
}
