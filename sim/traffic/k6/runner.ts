import { accessSync, constants, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { execa } from 'execa';
import { track } from '../../util/child-registry.js';
import { ExitCode, RehearsalError } from '../../util/errors.js';

/** Whether k6 can run here: where it is and which version, or why not. */
export interface K6Probe {
  available: boolean;
  /** The k6 executable found on PATH. */
  path?: string;
  detail: string;
  hint?: string;
}

/** The hint given whenever k6 is missing. */
export const installHint =
  'install k6 (https://grafana.com/docs/k6/latest/set-up/install-k6/) so that `k6` is on PATH, or use the built-in driver (traffic.driver: builtin, the default)';

/** Looks for an executable `k6` on `pathVar` (the PATH value) and asks it for its version. */
export async function probeK6(pathVar: string | undefined): Promise<K6Probe> {
  const found = (pathVar ?? '')
    .split(delimiter)
    .filter(Boolean)
    .map((dir) => join(dir, 'k6'))
    .find((file) => {
      try {
        accessSync(file, constants.X_OK);
        return true;
      } catch {
        return false;
      }
    });
  if (!found) return { available: false, detail: 'k6 not found on PATH', hint: installHint };
  const version = await execa(found, ['version'], { reject: false, timeout: 10_000 });
  if (version.exitCode !== 0)
    return {
      available: false,
      path: found,
      detail: `${found} version failed: ${version.shortMessage ?? version.stderr}`,
      hint: installHint,
    };
  return { available: true, path: found, detail: String(version.stdout).trim().split('\n')[0] ?? found };
}

/** Throws the one clear error for a missing k6 (exit code 3, like an unavailable platform). */
export function requireK6(probe: K6Probe): string {
  if (!probe.available || !probe.path)
    throw new RehearsalError(
      `traffic driver k6 unavailable: ${probe.detail}`,
      probe.hint ?? installHint,
      ExitCode.platformUnavailable,
    );
  return probe.path;
}

/** How to run one k6 test. */
export interface K6RunOptions {
  k6: string;
  script: string;
  /** Where k6 writes its JSON output (`--out json=`). */
  outFile: string;
  /** Where k6's own stdout and stderr go. */
  logFile: string;
  /** Base URL the script sends to (REHEARSAL_TARGET). */
  target: string;
  cwd: string;
  /** Aborting asks k6 to stop (SIGINT: it ends the test and flushes its output). */
  stop: AbortSignal;
}

/** How a k6 run ended, once its exit code is read. */
export interface K6RunResult {
  exitCode: number;
  /** k6 exited 99: at least one threshold failed (the traffic itself ran). */
  thresholdsFailed: boolean;
  /** k6 ended because it was asked to stop. */
  stopped: boolean;
}

const K6_THRESHOLDS_FAILED = 99;
const K6_EXTERNAL_ABORT = 105;

/** Runs k6 on a script and maps its exit code; a failed k6 (not thresholds) is an error with k6's own text as the cause. */
export async function runK6(opts: K6RunOptions): Promise<K6RunResult> {
  const args = [
    'run',
    '--quiet',
    '--no-color',
    '--no-usage-report',
    '--address',
    '127.0.0.1:0',
    '--out',
    `json=${opts.outFile}`,
    '-e',
    `REHEARSAL_TARGET=${opts.target}`,
    opts.script,
  ];
  const child = execa(opts.k6, args, {
    cwd: opts.cwd,
    reject: false,
    all: true,
    forceKillAfterDelay: 10_000,
    cleanup: true,
  });
  // Killed with everything else if rehearse itself is killed (a second Ctrl-C).
  track(child);
  let stopped = false;
  const onStop = () => {
    stopped = true;
    child.kill('SIGINT');
  };
  if (opts.stop.aborted) onStop();
  else opts.stop.addEventListener('abort', onStop, { once: true });
  const result = await child.finally(() => opts.stop.removeEventListener('abort', onStop));
  writeFileSync(opts.logFile, String(result.all ?? ''));
  return interpretExit(result.exitCode, result.signal, stopped, {
    message: result.message ?? '',
    stderr: String(result.stderr ?? ''),
    logFile: opts.logFile,
  });
}

/** Maps k6's exit (code or signal) to a result, or to an error that says what to do. */
export function interpretExit(
  exitCode: number | undefined,
  signal: string | undefined,
  stopped: boolean,
  context: { message: string; stderr: string; logFile: string },
): K6RunResult {
  if (exitCode === 0) return { exitCode, thresholdsFailed: false, stopped };
  if (exitCode === K6_THRESHOLDS_FAILED) return { exitCode, thresholdsFailed: true, stopped };
  if (stopped && (exitCode === K6_EXTERNAL_ABORT || signal === 'SIGINT'))
    return { exitCode: exitCode ?? K6_EXTERNAL_ABORT, thresholdsFailed: false, stopped };
  const tail = context.stderr.trim().split('\n').slice(-3).join(' | ');
  const what =
    exitCode === undefined ? `was killed by ${signal ?? 'a signal'}` : `exited with code ${exitCode}`;
  const hints: Record<number, string> = {
    104: 'k6 rejected the options: export the script again with this version of rehearse, and check `k6 version`',
    107: 'the script threw: run it by hand with `k6 run` to see the stack',
    108: 'the script called test.abort()',
  };
  throw new RehearsalError(
    `k6 ${what}${tail ? `: ${tail}` : ''}`,
    `${hints[exitCode ?? -1] ?? 'see k6 output'} (${context.logFile})`,
    ExitCode.rehearsalFailed,
    {
      cause: new Error(context.message),
    },
  );
}
