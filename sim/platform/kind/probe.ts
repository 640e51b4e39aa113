import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { ENGINE_HINT, probeEngine } from '../docker/engine.js';
import type { Probe } from '../platform.js';
import { planCluster } from './cluster.js';
import { type KindOptions, kindKubeconfigArgs } from './commands.js';
import { Kube } from './kube.js';
import { checkTools, run, TOOL_HINTS } from './tools.js';

/** One line of the probe: a part, whether it is fine, what was found, what to do. */
export interface ProbePart {
  name: string;
  ok: boolean;
  /** Whether the platform can run without it (the part is informational). */
  optional?: boolean;
  detail: string;
  hint?: string;
}

/** Folds the parts into one Probe: available when every required part is ok; the hint is the missing parts' hints. */
export function foldProbe(name: string, parts: ProbePart[]): Probe {
  const missing = parts.filter((p) => !p.ok && !p.optional);
  const detail = parts.map((p) => `${p.name}: ${p.detail}`).join('; ');
  if (missing.length === 0) return { name, available: true, detail };
  return {
    name,
    available: false,
    detail,
    hint: missing
      .map((p) => p.hint)
      .filter(Boolean)
      .join('; '),
  };
}

/** Whether a kubeconfig is there to read (KUBECONFIG or ~/.kube/config). */
function defaultKubeconfig(env: NodeJS.ProcessEnv): string | undefined {
  const file = env.KUBECONFIG?.split(':')[0] || join(homedir(), '.kube/config');
  return existsSync(file) ? file : undefined;
}

/** Checks kind, kubectl, the Docker engine and the cluster (when one is named); never throws. */
export async function probeKind(opts: KindOptions, env: NodeJS.ProcessEnv = process.env): Promise<Probe> {
  const plan = planCluster(opts, 'probe');
  const [kind, kubectl] = await checkTools(env.PATH);
  const engine = await probeEngine();
  const parts: ProbePart[] = [
    {
      name: 'kind',
      ok: kind!.ok,
      optional: plan.mode === 'target' && !plan.kindName,
      detail: kind!.ok ? kind!.detail : 'not found on PATH',
      hint: TOOL_HINTS.kind,
    },
    {
      name: 'kubectl',
      ok: kubectl!.ok,
      detail: kubectl!.ok ? kubectl!.detail.replace(/^Client Version:\s*/, '') : 'not found on PATH',
      hint: TOOL_HINTS.kubectl,
    },
    {
      name: 'docker',
      ok: engine.reachable,
      detail: engine.reachable ? `engine ${engine.version} (builds the images kind loads)` : engine.detail,
      hint: ENGINE_HINT.replace(' or use --platform local', ''),
    },
  ];
  parts.push(await probeCluster(opts, plan, kind!.ok && kubectl!.ok, env));
  return foldProbe('kind', parts);
}

async function probeCluster(
  opts: KindOptions,
  plan: ReturnType<typeof planCluster>,
  toolsOk: boolean,
  env: NodeJS.ProcessEnv,
): Promise<ProbePart> {
  const part = { name: 'cluster', hint: TOOL_HINTS.cluster };
  try {
    if (plan.mode === 'target') {
      const reach = await new Kube({ ...opts }).reach();
      return {
        ...part,
        ok: reach.ok,
        detail: reach.ok ? `${reach.server} answers (Kubernetes ${reach.version})` : reach.detail,
      };
    }
    if (plan.mode === 'reuse') {
      if (!toolsOk)
        return {
          ...part,
          ok: false,
          detail: `kind cluster ${plan.kindName} not checked (kind/kubectl missing)`,
        };
      await run('kind', kindKubeconfigArgs(plan.kindName!), { hint: TOOL_HINTS.cluster, timeoutMs: 10_000 });
      return { ...part, ok: true, detail: `kind cluster ${plan.kindName} exists` };
    }
    const file = defaultKubeconfig(env);
    const current = file ? await new Kube({ kubeconfig: file }).reach(3000) : undefined;
    const now =
      current === undefined
        ? 'no kubeconfig here'
        : current.ok
          ? `current context at ${current.server} answers (use it with --context)`
          : 'current context not reachable';
    return {
      ...part,
      ok: true,
      optional: true,
      detail: `a kind cluster is created per scenario from fixtures/kind/cluster.yaml; ${now}`,
    };
  } catch (error) {
    const where = opts.kubeconfig ?? env.KUBECONFIG ?? '~/.kube/config';
    return {
      ...part,
      ok: false,
      detail: `cannot use ${where}${opts.context ? ` context ${opts.context}` : ''}: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
}
