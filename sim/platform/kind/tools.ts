import { execa } from 'execa';
import { messageOf, RehearsalError } from '../../util/errors.js';

/** What one of the external programs looked like. */
export interface ToolCheck {
  name: 'kind' | 'kubectl';
  ok: boolean;
  detail: string;
  hint: string;
}

/** How to get each program. */
export const TOOL_HINTS = {
  kind: 'install kind (https://kind.sigs.k8s.io/docs/user/quick-start/#installation) or target an existing cluster with --kubeconfig/--context',
  kubectl: 'install kubectl (https://kubernetes.io/docs/tasks/tools/) v1.28 or later',
  cluster:
    'check `kubectl cluster-info` for the same kubeconfig/context, or omit --cluster/--kubeconfig/--context to let rehearse create a kind cluster',
} as const;

/** Runs a program and returns its stdout; a failure becomes a RehearsalError whose cause is execa's own error. */
export async function run(
  file: string,
  args: string[],
  opts: { hint: string; input?: string; timeoutMs?: number; signal?: AbortSignal; exitCode?: number } = {
    hint: '',
  },
): Promise<string> {
  try {
    const result = await execa(file, args, {
      ...(opts.input !== undefined ? { input: opts.input } : { stdin: 'ignore' as const }),
      timeout: opts.timeoutMs ?? 120_000,
      ...(opts.signal ? { cancelSignal: opts.signal } : {}),
      stripFinalNewline: true,
    });
    return result.stdout;
  } catch (error) {
    const summary = (
      messageOf(error)
        .split('\n')
        .find((l) => l.trim()) ?? ''
    ).trim();
    throw new RehearsalError(
      `\`${file} ${args.slice(0, 3).join(' ')}\` failed: ${summary}`,
      opts.hint,
      opts.exitCode,
      { cause: error },
    );
  }
}

/** Looks for `kind` and `kubectl` (in `path`, default $PATH) and reads their versions; never throws. */
export async function checkTools(path?: string): Promise<ToolCheck[]> {
  const env = path === undefined ? {} : { env: { PATH: path }, extendEnv: false };
  const version = async (name: ToolCheck['name'], args: string[]): Promise<ToolCheck> => {
    try {
      const { stdout } = await execa(name, args, { ...env, timeout: 10_000, stdin: 'ignore' });
      return { name, ok: true, detail: stdout.split('\n')[0]!.trim(), hint: '' };
    } catch (error) {
      const code = (error as { code?: string }).code;
      const why = code === 'ENOENT' ? 'not found on PATH' : messageOf(error).split('\n')[0]!;
      return { name, ok: false, detail: `${name}: ${why}`, hint: TOOL_HINTS[name] };
    }
  };
  return Promise.all([version('kind', ['version']), version('kubectl', ['version', '--client'])]);
}
