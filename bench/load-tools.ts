import { execFile } from 'node:child_process';

/** What one run of an external load tool measured, with the tool's own CPU time. */
export interface ToolRun {
  /** Completed requests per second, as the tool reports it. */
  rps: number;
  /** Non-2xx answers and socket errors. */
  errors: number;
  /** User + system CPU seconds the tool used (from the shell's `times` after the tool exited). */
  cpuSeconds: number;
  /** Latency quantiles the tool reports, ms (p50, p99); null where it reports none. */
  p50Ms: number | null;
  p99Ms: number | null;
}

/** Runs `command args` under bash and returns its stdout and the CPU time of its children (`times`). */
export function runTimed(
  command: string,
  args: string[],
  timeoutMs: number,
): Promise<{ stdout: string; cpuSeconds: number }> {
  const script = '"$@" || exit $?; echo "@@times"; times';
  return new Promise((resolve, reject) => {
    execFile(
      'bash',
      ['-c', script, 'bash', command, ...args],
      { timeout: timeoutMs, maxBuffer: 8 << 20 },
      (err, stdout, stderr) => {
        if (err)
          return reject(
            new Error(`${command} ${args.join(' ')} failed: ${stderr || err.message}`, { cause: err }),
          );
        const [out = '', times = ''] = stdout.split('@@times');
        // `times` prints the shell's own user/sys, then its children's: the second line is the tool.
        const line = times.trim().split('\n')[1] ?? '';
        const seconds = [...line.matchAll(/(\d+)m([\d.]+)s/g)].reduce(
          (s, m) => s + Number(m[1]) * 60 + Number(m[2]),
          0,
        );
        resolve({ stdout: out, cpuSeconds: seconds });
      },
    );
  });
}

/** wrk closed loop (one thread) for `seconds` with `connections`. */
export async function wrkRun(url: string, seconds: number, connections: number): Promise<ToolRun> {
  const args = ['-t1', `-c${connections}`, `-d${seconds}s`, '--latency', url];
  const { stdout, cpuSeconds } = await runTimed('wrk', args, (seconds + 15) * 1000);
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(stdout)?.[1]);
  if (!Number.isFinite(rps)) throw new Error(`cannot read Requests/sec from wrk output:\n${stdout}`);
  const non2xx = Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(stdout)?.[1] ?? 0);
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(stdout);
  const socketErrors = socket ? socket.slice(1).reduce((s, n) => s + Number(n), 0) : 0;
  return {
    rps,
    errors: non2xx + socketErrors,
    cpuSeconds,
    p50Ms: wrkQuantile(stdout, '50'),
    p99Ms: wrkQuantile(stdout, '99'),
  };
}

function wrkQuantile(stdout: string, q: string): number | null {
  const m = new RegExp(`^\\s+${q}%\\s+([\\d.]+)(us|ms|s)\\s*$`, 'm').exec(stdout);
  if (!m) return null;
  const scale = m[2] === 'us' ? 1e-3 : m[2] === 's' ? 1e3 : 1;
  return Number(m[1]) * scale;
}

/** hey for `seconds` with `connections` workers; with `rate`, each worker is limited to rate/connections req/s. */
export async function heyRun(
  url: string,
  seconds: number,
  connections: number,
  rate?: number,
): Promise<ToolRun> {
  const args = ['-z', `${seconds}s`, '-c', String(connections), '-disable-compression'];
  if (rate !== undefined) args.push('-q', String(rate / connections));
  const { stdout, cpuSeconds } = await runTimed('hey', [...args, url], (seconds + 20) * 1000);
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(stdout)?.[1]);
  if (!Number.isFinite(rps)) throw new Error(`cannot read Requests/sec from hey output:\n${stdout}`);
  const codes = [...stdout.matchAll(/\[(\d+)\]\s+(\d+) responses/g)];
  const errorLines = [...stdout.matchAll(/^\s+\[(\d+)\]\s+.*$/gm)].length - codes.length;
  const non2xx = codes.filter((m) => !m[1]!.startsWith('2')).reduce((s, m) => s + Number(m[2]), 0);
  const q = (p: string): number | null => {
    const m = new RegExp(`${p}% in ([\\d.]+) secs`).exec(stdout);
    return m ? Number(m[1]) * 1000 : null;
  };
  return { rps, errors: non2xx + Math.max(0, errorLines), cpuSeconds, p50Ms: q('50'), p99Ms: q('99') };
}
