import { spawn } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { killGroup, track } from '../util/child-registry.js';
import { ExitCode, RehearsalError } from '../util/errors.js';
import { freePort } from '../util/free-port.js';

/** Where Debian's `prometheus` package puts the binary, tried after PATH. */
const KNOWN_PATHS = ['/usr/bin/prometheus', '/usr/local/bin/prometheus', '/opt/prometheus/prometheus'];

/** How to get Prometheus, for the error when it is missing. */
export const prometheusInstallHint =
  'install Prometheus 2.x (Debian/Ubuntu: apt-get install -y prometheus, and leave its service disabled) or set monitoring.url to an existing Prometheus';

/** The Prometheus executable: PATH first, then the usual install locations; undefined when there is none. */
export function findPrometheus(pathEnv = process.env.PATH ?? ''): string | undefined {
  const candidates = [
    ...pathEnv
      .split(delimiter)
      .filter(Boolean)
      .map((d) => join(d, 'prometheus')),
    ...KNOWN_PATHS,
  ];
  return candidates.find((p) => {
    try {
      accessSync(p, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/** The generated configuration: one job whose targets come from the file the harness rewrites. */
export function prometheusConfig(scrapeIntervalMs: number, targetsFile: string): string {
  const interval = `${Math.max(1, Math.round(scrapeIntervalMs))}ms`;
  return [
    'global:',
    `  scrape_interval: ${interval}`,
    `  scrape_timeout: ${interval}`,
    `  evaluation_interval: ${interval}`,
    'scrape_configs:',
    '  - job_name: rehearsal',
    '    file_sd_configs:',
    `      - files: [${JSON.stringify(targetsFile)}]`,
    '        refresh_interval: 1s',
    '',
  ].join('\n');
}

/** A Prometheus the harness started for one run: its URL, the targets file it watches, and how to stop it. */
export interface PrometheusServer {
  url: string;
  targetsFile: string;
  pid: number;
  /** Stops the process (its whole group) and removes its config and tsdb; safe to call twice. */
  stop(): Promise<void>;
}

/**
 * Starts Prometheus on a free loopback port with a generated config (scrape_interval = `scrapeIntervalMs`,
 * file_sd over an empty targets file) and a temporary tsdb, and waits for `/-/ready`. It runs in its own
 * process group under a shell that kills it when this process's end of its stdin closes, so that it cannot
 * outlive the harness even if the harness is killed; the child registry kills the group on a normal exit.
 */
export async function startPrometheus(opts: {
  binary: string;
  scrapeIntervalMs: number;
  readyTimeoutMs?: number;
}): Promise<PrometheusServer> {
  const dir = mkdtempSync(join(tmpdir(), 'rehearsal-prometheus-'));
  const targetsFile = join(dir, 'targets.json');
  writeFileSync(targetsFile, '[]');
  writeFileSync(join(dir, 'prometheus.yml'), prometheusConfig(opts.scrapeIntervalMs, targetsFile));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const args = [
    `--config.file=${join(dir, 'prometheus.yml')}`,
    `--storage.tsdb.path=${join(dir, 'tsdb')}`,
    `--web.listen-address=127.0.0.1:${port}`,
    '--log.level=warn',
  ];
  // `cat` returns when our end of stdin closes (the harness exited, however): then Prometheus is stopped.
  // (A background job's stdin is /dev/null unless redirected: the pipe is kept on fd 3 for `cat`.)
  const guard =
    'exec 3<&0; "$@" </dev/null & p=$!; (cat <&3 >/dev/null; kill $p 2>/dev/null) & exec 3<&-; wait $p';
  const child = spawn('/bin/sh', ['-c', guard, 'prometheus', opts.binary, ...args], {
    detached: true,
    stdio: ['pipe', 'ignore', 'pipe'],
  });
  track(child);
  let stderr = '';
  child.stderr?.on('data', (b: Buffer) => {
    stderr = (stderr + b.toString()).slice(-2000);
  });
  let exited: number | null | undefined;
  child.once('exit', (code) => {
    exited = code;
  });
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    if (child.pid !== undefined && exited === undefined) {
      const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      killGroup(child.pid, 'SIGTERM');
      await Promise.race([gone, sleep(3000)]);
      killGroup(child.pid, 'SIGKILL');
    }
    child.stdin?.destroy();
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + (opts.readyTimeoutMs ?? 20_000);
  while (true) {
    if (exited !== undefined) {
      await stop();
      throw new RehearsalError(
        `Prometheus (${opts.binary}) exited with code ${exited} before it was ready: ${stderr.trim() || 'no output'}`,
        prometheusInstallHint,
        ExitCode.platformUnavailable,
      );
    }
    const ready = await fetch(`${url}/-/ready`, { signal: AbortSignal.timeout(1000) }).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) break;
    if (Date.now() > deadline) {
      await stop();
      throw new RehearsalError(
        `Prometheus on ${url} was not ready within ${(opts.readyTimeoutMs ?? 20_000) / 1000}s: ${stderr.trim() || 'no output'}`,
        'see `prometheus --version`; the port may be taken',
        ExitCode.platformUnavailable,
      );
    }
    await sleep(100);
  }
  return { url, targetsFile, pid: child.pid!, stop };
}
