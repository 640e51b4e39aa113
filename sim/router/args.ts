import { readFileSync } from 'node:fs';

/** Command-line settings of `node dist/sim/router/main.js`. */
export interface RouterArgs {
  /** Interface to bind. */
  host: string;
  /** Data-plane port (0 = free port). */
  port: number;
  /** Admin port (0 = free port). */
  adminPort: number;
  /** Admin bearer token. */
  token: string;
  /** Exit when stdin closes, so a parent that dies takes the router with it. */
  exitOnStdinClose: boolean;
  /** Upstream idle timeout in milliseconds. */
  upstreamTimeoutMs: number;
  /** Print usage and exit. */
  help: boolean;
}

/** Usage text listing every flag. */
export const USAGE = `usage: node dist/sim/router/main.js [flags]
  --host <addr>                 interface to bind (default 127.0.0.1)
  --port <n>                    data-plane port, 0 = free port (default 8000)
  --admin-port <n>              admin API port, 0 = free port (default 8001)
  --admin-token-file <path>     file holding the admin bearer token (or env REHEARSAL_ROUTER_TOKEN; one is required)
  --upstream-timeout-ms <n>     upstream idle timeout before 504 (default 5000: below the harness's 10 s client timeout, so a hung version shows as 504s)
  --exit-on-stdin-close         exit when stdin closes
  --help                        print this text`;

const VALUE_FLAGS = ['--host', '--port', '--admin-port', '--admin-token-file', '--upstream-timeout-ms'];
const BOOL_FLAGS = ['--exit-on-stdin-close', '--help'];

/** Parses flags and environment, listing every problem at once. */
export function parseRouterArgs(
  argv: readonly string[],
  env: Record<string, string | undefined>,
  read: (path: string) => string = (path) => readFileSync(path, 'utf8'),
): { ok: true; args: RouterArgs } | { ok: false; problems: string[] } {
  const problems: string[] = [];
  const values = new Map<string, string>();
  const flags = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const eq = arg.indexOf('=');
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    if (name === '--admin-token') {
      if (eq < 0) i++;
      problems.push(
        '--admin-token is not accepted: a token on the command line is visible to every user in ps; set REHEARSAL_ROUTER_TOKEN or pass --admin-token-file <path>',
      );
    } else if (BOOL_FLAGS.includes(name)) {
      flags.add(name);
    } else if (VALUE_FLAGS.includes(name)) {
      const value = eq > 0 ? arg.slice(eq + 1) : argv[++i];
      if (value === undefined) problems.push(`${name} needs a value`);
      else values.set(name, value);
    } else {
      problems.push(`unknown flag ${arg}; valid flags: ${[...VALUE_FLAGS, ...BOOL_FLAGS].join(', ')}`);
    }
  }
  const int = (flag: string, fallback: number, max: number): number => {
    const raw = values.get(flag);
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 0 || n > max)
      problems.push(`${flag} must be an integer 0-${max}, got "${raw}"`);
    return n;
  };
  const help = flags.has('--help');
  const token = help ? '' : adminToken(values.get('--admin-token-file'), env, read, problems);
  const args: RouterArgs = {
    host: values.get('--host') ?? '127.0.0.1',
    port: int('--port', 8000, 65535),
    adminPort: int('--admin-port', 8001, 65535),
    token,
    exitOnStdinClose: flags.has('--exit-on-stdin-close'),
    upstreamTimeoutMs: int('--upstream-timeout-ms', 5_000, 3_600_000),
    help,
  };
  return problems.length > 0 ? { ok: false, problems } : { ok: true, args };
}

/** The token from `--admin-token-file`, else `REHEARSAL_ROUTER_TOKEN`; a problem is pushed when neither works. */
function adminToken(
  file: string | undefined,
  env: Record<string, string | undefined>,
  read: (path: string) => string,
  problems: string[],
): string {
  let token = env.REHEARSAL_ROUTER_TOKEN ?? '';
  let where = 'REHEARSAL_ROUTER_TOKEN';
  if (file !== undefined) {
    where = `--admin-token-file ${file}`;
    try {
      token = read(file).trim();
    } catch (e) {
      const why = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
      problems.push(`${where}: cannot read it (${why}); give a readable file holding the token`);
      return '';
    }
    if (token === '') problems.push(`${where} is empty; put the admin token in it`);
  } else if (token === '') {
    problems.push('an admin token is required: set REHEARSAL_ROUTER_TOKEN or pass --admin-token-file <path>');
  }
  if (token !== '' && !/^[\x21-\x7e]+$/.test(token))
    problems.push(`${where} must hold one line of visible ASCII characters (no spaces), the admin token`);
  return token;
}
