import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ExitCode } from '../../util/errors.js';
import type { Logger } from '../../util/logger.js';
import {
  type KindOptions,
  type KubeTarget,
  kindCreateArgs,
  kindDeleteArgs,
  kindKubeconfigArgs,
} from './commands.js';
import { dnsLabel } from './manifests.js';
import { run, TOOL_HINTS } from './tools.js';

/** The cluster one platform instance drives. */
export interface ClusterHandle {
  target: KubeTarget;
  /** The kind cluster's name, when it is one (images are loaded into it); undefined for other clusters. */
  kindName?: string;
  /** Whether the cluster was created for this run (then it is deleted at the end, and the router uses NodePorts). */
  owned: boolean;
  /** How the cluster was chosen, for the report. */
  describe: string;
}

/** The kind cluster behind a kubeconfig context named `kind-NAME` (kind's own convention), if any. */
export function kindNameOfContext(context: string | undefined): string | undefined {
  return context?.startsWith('kind-') ? context.slice(5) : undefined;
}

/** Decides which cluster to use without touching anything (pure): given target, reused kind cluster, or a new one. */
export function planCluster(
  opts: KindOptions,
  runId: string,
): { mode: 'target' | 'reuse' | 'create'; kindName?: string } {
  if (opts.kubeconfig || opts.context) {
    const kindName = opts.cluster ?? kindNameOfContext(opts.context);
    return kindName ? { mode: 'target', kindName } : { mode: 'target' };
  }
  if (opts.cluster) return { mode: 'reuse', kindName: opts.cluster };
  return { mode: 'create', kindName: dnsLabel(`rehearsal-${dnsLabel(runId.slice(-12))}`, 40) };
}

/** Resolves (and when asked, creates) the cluster; the kubeconfig of a kind cluster is written to `workdir`. */
export async function openCluster(
  opts: KindOptions,
  runId: string,
  workdir: string,
  log: Logger,
  /** Called before a cluster is created, so that an interrupted creation is still deleted. */
  onCreating: (handle: ClusterHandle) => void,
  signal?: AbortSignal,
): Promise<ClusterHandle> {
  const plan = planCluster(opts, runId);
  if (plan.mode === 'target') {
    const target = {
      ...(opts.kubeconfig ? { kubeconfig: opts.kubeconfig } : {}),
      ...(opts.context ? { context: opts.context } : {}),
    };
    const where = `${opts.kubeconfig ?? 'default kubeconfig'}${opts.context ? ` context ${opts.context}` : ''}`;
    return { target, owned: false, describe: where, ...(plan.kindName ? { kindName: plan.kindName } : {}) };
  }
  const kubeconfig = join(workdir, 'kubeconfig');
  const name = plan.kindName!;
  if (plan.mode === 'reuse') {
    const config = await run('kind', kindKubeconfigArgs(name), {
      hint: `\`kind get clusters\` lists the clusters; ${TOOL_HINTS.cluster}`,
      exitCode: ExitCode.platformUnavailable,
      ...(signal ? { signal } : {}),
    });
    writeFileSync(kubeconfig, `${config}\n`, { mode: 0o600 });
    return {
      target: { kubeconfig },
      kindName: name,
      owned: false,
      describe: `kind cluster ${name} (reused)`,
    };
  }
  const handle: ClusterHandle = {
    target: { kubeconfig },
    kindName: name,
    owned: true,
    describe: `kind cluster ${name} (created for the run)`,
  };
  onCreating(handle);
  log.info(`kind: creating cluster ${name} (a minute or two; pass --cluster NAME to reuse one)`);
  const t0 = Date.now();
  await run('kind', kindCreateArgs(name, kubeconfig), {
    hint: 'is Docker running and are host ports 30080/30081 free (another rehearsal cluster)? `kind get clusters`; or reuse one with --cluster',
    timeoutMs: 300_000,
    exitCode: ExitCode.platformUnavailable,
    ...(signal ? { signal } : {}),
  });
  log.info(`kind: cluster ${name} ready in ${Date.now() - t0} ms`);
  return handle;
}

/** Deletes a cluster made for the run (never one that was given). */
export async function closeCluster(handle: ClusterHandle): Promise<void> {
  if (!handle.owned || !handle.kindName) return;
  await run('kind', kindDeleteArgs(handle.kindName, handle.target.kubeconfig!), {
    hint: `delete it by hand: kind delete cluster --name ${handle.kindName}`,
    timeoutMs: 120_000,
  });
}
