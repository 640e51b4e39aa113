import { waitReady } from '../local/wait-ready.js';
import type { Instance } from '../platform.js';
import { type KubeTarget, type ServiceSignal, signalArgs } from './commands.js';
import type { Kube } from './kube.js';
import { JUDGE_PORT } from './manifests.js';
import type { PortForward } from './port-forward.js';
import { run } from './tools.js';

/**
 * One pod of a version's Deployment. The router reaches it by pod IP, the harness through a port-forward. Signals
 * go through `kubectl exec`; the kubelet restarts a killed container in the same pod, at the same address.
 */
export class KindInstance implements Instance {
  constructor(
    /** The pod's name (also the service's `--instance`). */
    readonly id: string,
    readonly version: string,
    readonly namespace: string,
    readonly podIp: string,
    /** The harness-side port-forward to the pod. */
    readonly forward: PortForward,
    private readonly kube: Kube,
    private readonly target: KubeTarget,
  ) {}

  /** Harness-side URL: the pod's port-forward on 127.0.0.1. */
  get url(): string {
    return this.forward.url;
  }

  /** Router-side URL: the pod IP inside the cluster. */
  get routerUrl(): string {
    return `http://${this.podIp}:${JUDGE_PORT}`;
  }

  /** SIGKILL through exec; the kubelet then restarts the container (restartPolicy Always), as it would in production. */
  async kill(): Promise<void> {
    await this.signal('SIGKILL');
  }

  /** SIGSTOP through exec: connections hang until `resume` (or until the liveness probe restarts it, after 30 s). */
  async pause(): Promise<void> {
    await this.signal('SIGSTOP');
  }

  /** SIGCONT through exec. */
  async resume(): Promise<void> {
    await this.signal('SIGCONT');
  }

  /** Kills the service and waits until the kubelet has restarted it and it is ready again at the same address. */
  async restart(): Promise<void> {
    await this.kill();
    await waitReady(`${this.url}/readyz`, 60_000);
  }

  /** Deletes the pod (grace 0); the Deployment replaces it with a new pod, which this instance does not follow. */
  async deletePod(): Promise<void> {
    await this.kube.deletePod(this.namespace, this.id, 0);
  }

  /** Sends a signal to the service's process in the pod. */
  async signal(signal: ServiceSignal): Promise<void> {
    await run('kubectl', signalArgs(this.target, this.namespace, this.id, signal), {
      hint: `the pod must run with shareProcessNamespace (see sim/platform/kind/manifests.ts); try \`kubectl exec -n ${this.namespace} ${this.id} -- node -v\``,
      timeoutMs: 20_000,
    });
  }

  /** Stops the port-forward (the pod goes with its namespace). */
  close(): void {
    this.forward.close();
  }
}
