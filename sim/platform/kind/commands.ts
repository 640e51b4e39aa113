import { join } from 'node:path';
import { packageRoot } from '../../util/paths.js';
import { JUDGE_PORT } from './manifests.js';

/** The cluster config `kind create cluster` is given (kind.x-k8s.io/v1alpha4). */
export const CLUSTER_CONFIG = join(packageRoot, 'fixtures/kind/cluster.yaml');

/** Which cluster the platform drives: one it creates, an existing kind cluster, or any kubeconfig/context. */
export interface KindOptions {
  /** An existing kind cluster to reuse (`kind get clusters`); nothing cluster-wide is deleted. */
  cluster?: string;
  /** A kubeconfig file (default: $KUBECONFIG or ~/.kube/config when --context is given). */
  kubeconfig?: string;
  /** A context in the kubeconfig. */
  context?: string;
}

/** Where kubectl points: a kubeconfig file and optionally a context. */
export interface KubeTarget {
  kubeconfig?: string;
  context?: string;
}

/** `kind create cluster` for a cluster made for the run, from fixtures/kind/cluster.yaml. */
export function kindCreateArgs(
  name: string,
  kubeconfig: string,
  config = CLUSTER_CONFIG,
  waitSeconds = 120,
): string[] {
  return [
    'create',
    'cluster',
    '--name',
    name,
    '--config',
    config,
    '--kubeconfig',
    kubeconfig,
    '--wait',
    `${waitSeconds}s`,
  ];
}

/** `kind delete cluster` for a cluster made for the run. */
export function kindDeleteArgs(name: string, kubeconfig: string): string[] {
  return ['delete', 'cluster', '--name', name, '--kubeconfig', kubeconfig];
}

/** `kind get kubeconfig` for reusing an existing cluster (written to a file of the run's own). */
export function kindKubeconfigArgs(name: string): string[] {
  return ['get', 'kubeconfig', '--name', name];
}

/** `kind load docker-image` with explicit tags (an untagged or `latest` image would be pulled by the kubelet). */
export function kindLoadArgs(cluster: string, images: string[]): string[] {
  for (const image of images) {
    const tag = image.includes(':') ? image.slice(image.lastIndexOf(':') + 1) : '';
    if (!tag || tag === 'latest' || tag.includes('/'))
      throw new Error(`image ${image} needs an explicit tag other than latest`);
  }
  return ['load', 'docker-image', '--name', cluster, ...images];
}

/** The leading kubectl flags selecting the target cluster. */
export function kubectlTarget(target: KubeTarget): string[] {
  return [
    ...(target.kubeconfig ? ['--kubeconfig', target.kubeconfig] : []),
    ...(target.context ? ['--context', target.context] : []),
  ];
}

/** `kubectl port-forward` of one pod or service port to a fixed loopback port. */
export function portForwardArgs(
  target: KubeTarget,
  namespace: string,
  resource: string,
  localPort: number,
  remotePort: number,
): string[] {
  return [
    ...kubectlTarget(target),
    'port-forward',
    '--namespace',
    namespace,
    '--address',
    '127.0.0.1',
    resource,
    `${localPort}:${remotePort}`,
  ];
}

/** Parses the local port from kubectl's `Forwarding from 127.0.0.1:PORT -> REMOTE` line; undefined for other lines. */
export function parseForwarding(line: string): number | undefined {
  const m = /^Forwarding from 127\.0\.0\.1:(\d+) -> \d+/.exec(line.trim());
  return m ? Number(m[1]) : undefined;
}

/** Signals the exec can send to the judge service. */
export type ServiceSignal = 'SIGKILL' | 'SIGSTOP' | 'SIGCONT' | 'SIGTERM';

/**
 * The script `kubectl exec` runs with the image's own node (the image has no shell): `node -e SCRIPT SIGNAL MARK`
 * signals every process of the pod whose command line contains MARK. The pod shares its process namespace, so the service is not PID 1.
 */
export const SIGNAL_SCRIPT = [
  "const fs=require('fs');const [,sig,mark]=process.argv;let n=0;",
  "for(const d of fs.readdirSync('/proc')){if(!/^\\d+$/.test(d)||+d===process.pid)continue;",
  "let c='';try{c=fs.readFileSync('/proc/'+d+'/cmdline','utf8')}catch{continue}",
  'if(c.includes(mark)){process.kill(+d,sig);n++}}',
  "if(n===0){console.error('no process running '+mark+' in this pod');process.exit(3)}",
].join('');

/** What identifies the judge service's process in the pod. */
export const SERVICE_MARK = 'judge-service/src/main.js';

/** `kubectl exec` that sends `signal` to the judge service in `pod`. */
export function signalArgs(
  target: KubeTarget,
  namespace: string,
  pod: string,
  signal: ServiceSignal,
): string[] {
  return [
    ...kubectlTarget(target),
    'exec',
    '--namespace',
    namespace,
    pod,
    '-c',
    'judge',
    '--',
    'node',
    '-e',
    SIGNAL_SCRIPT,
    signal,
    SERVICE_MARK,
  ];
}

/** The pod port a harness-side port-forward of an instance targets. */
export const INSTANCE_REMOTE_PORT = JUDGE_PORT;
