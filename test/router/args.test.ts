import { describe, expect, it } from 'vitest';
import { parseRouterArgs } from '../../sim/router/args.js';

describe('parseRouterArgs', () => {
  it('reads flags, both spellings, and the token from the environment', () => {
    const parsed = parseRouterArgs(['--port', '0', '--admin-port=0', '--exit-on-stdin-close'], {
      REHEARSAL_ROUTER_TOKEN: 't',
    });
    expect(parsed).toEqual({
      ok: true,
      args: {
        host: '127.0.0.1',
        port: 0,
        adminPort: 0,
        token: 't',
        exitOnStdinClose: true,
        upstreamTimeoutMs: 5000,
        help: false,
      },
    });
    const flagWins = parseRouterArgs(['--admin-token', 'flag'], { REHEARSAL_ROUTER_TOKEN: 'env' });
    expect(flagWins.ok && flagWins.args.token).toBe('flag');
  });

  it('lists every problem', () => {
    expect(parseRouterArgs(['--port', 'x', '--bogus', '--host'], {})).toEqual({
      ok: false,
      problems: [
        'unknown flag --bogus; valid flags: --host, --port, --admin-port, --admin-token, --upstream-timeout-ms, --exit-on-stdin-close, --help',
        '--host needs a value',
        '--admin-token is required (or set REHEARSAL_ROUTER_TOKEN)',
        '--port must be an integer 0-65535, got "x"',
      ],
    });
  });
});
