import { existsSync } from 'node:fs';
import { homedir, hostname } from 'node:os';
import { join } from 'node:path';
import { messageOf } from '../../util/errors.js';
import { ownerAlive } from '../docker/cleanup.js';
import { OWNER_LABEL } from '../docker/labels.js';
import type { KubeTarget } from './commands.js';
import { Kube } from './kube.js';
import { OWNER_ANNOTATION } from './manifests.js';
import { checkTools, run } from './tools.js';

/** What a Kubernetes clean-up found and did. */
export interface KubeCleanResult {
  /** Why nothing was looked at (no kubeconfig, cluster unreachable), or undefined. */
  skipped?: string;
  /** The cluster looked at. */
  server?: string;
  namespaces: string[];
  clusters: string[];
  spared: number;
}

/** Whether a kubeconfig is there: the given file, else $KUBECONFIG or ~/.kube/config. */
function hasKubeconfig(target: KubeTarget, env: NodeJS.ProcessEnv): boolean {
  const file = target.kubeconfig ?? (env.KUBECONFIG?.split(':')[0] || join(homedir(), '.kube/config'));
  return existsSync(file);
}

/**
 * Deletes the namespaces labelled `rehearsal=1` whose harness process on this host is gone (namespaces of other
 * hosts are spared: a shared cluster holds their live runs; `all` deletes every one), and with
 * `all` also the kind clusters named `rehearsal-*` that runs created (`kind get clusters`).
 */
export async function cleanKube(
  target: KubeTarget,
  opts: { all?: boolean },
  env: NodeJS.ProcessEnv = process.env,
): Promise<KubeCleanResult> {
  const result: KubeCleanResult = { namespaces: [], clusters: [], spared: 0 };
  if (opts.all && (await checkTools(env.PATH)).find((t) => t.name === 'kind')?.ok) {
    const names = (await run('kind', ['get', 'clusters'], { hint: '' }).catch(() => ''))
      .split('\n')
      .filter((n) => n.startsWith('rehearsal-'));
    for (const name of names) {
      await run('kind', ['delete', 'cluster', '--name', name], {
        hint: `kind delete cluster --name ${name}`,
        timeoutMs: 120_000,
      });
      result.clusters.push(name);
    }
  }
  if (!hasKubeconfig(target, env)) return { ...result, skipped: 'no kubeconfig (nothing to look at)' };
  let kube: Kube;
  try {
    kube = new Kube(target);
  } catch (error) {
    return { ...result, skipped: `kubeconfig unusable: ${messageOf(error)}` };
  }
  const reach = await kube.reach(3000);
  if (!reach.ok) return { ...result, skipped: reach.detail };
  result.server = reach.server;
  for (const ns of await kube.namespaces({ [OWNER_LABEL]: '1' })) {
    const owner = ns.annotations[OWNER_ANNOTATION] ?? '';
    // A shared cluster holds other machines' runs too: only this host's dead runs are known to be dead.
    const elsewhere = owner.split('@')[1] !== hostname();
    if (!opts.all && (elsewhere || ownerAlive({ 'rehearsal.owner': owner }))) {
      result.spared++;
      continue;
    }
    await kube.deleteNamespace(ns.name);
    result.namespaces.push(ns.name);
  }
  return result;
}

/** What `rehearse clean` prints about Kubernetes. */
export function kubeCleanLines(r: KubeCleanResult): string[] {
  const lines =
    r.clusters.length > 0 ? [`deleted ${r.clusters.length} kind cluster(s): ${r.clusters.join(', ')}`] : [];
  if (r.skipped) return [...lines, `kubernetes: ${r.skipped}`];
  lines.push(
    `deleted ${r.namespaces.length} namespace(s) labelled rehearsal=1 on ${r.server}`,
    ...r.namespaces.map((n) => `  ${n}`),
  );
  if (r.spared > 0)
    lines.push(
      `spared ${r.spared} namespace(s) of runs in progress or of other hosts (--all deletes them too)`,
    );
  return lines;
}
