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
    const files: Record<string, string> = { '/run/tok': 'from-file\n', '/run/empty': '\n' };
    const read = (path: string) => {
      if (files[path] === undefined) throw Object.assign(new Error('no such file'), { code: 'ENOENT' });
      return files[path];
    };
    const fileWins = parseRouterArgs(
      ['--admin-token-file', '/run/tok'],
      { REHEARSAL_ROUTER_TOKEN: 'env' },
      read,
    );
    expect(fileWins.ok && fileWins.args.token).toBe('from-file');
    expect(parseRouterArgs(['--admin-token-file=/run/none'], {}, read)).toEqual({
      ok: false,
      problems: [
        '--admin-token-file /run/none: cannot read it (ENOENT); give a readable file holding the token',
      ],
    });
    expect(parseRouterArgs(['--admin-token-file', '/run/empty'], {}, read)).toEqual({
      ok: false,
      problems: ['--admin-token-file /run/empty is empty; put the admin token in it'],
    });
  });

  it('refuses a token on the command line (it would show in ps)', () => {
    expect(parseRouterArgs(['--admin-token', 'secret'], { REHEARSAL_ROUTER_TOKEN: 't' })).toEqual({
      ok: false,
      problems: [
        '--admin-token is not accepted: a token on the command line is visible to every user in ps; set REHEARSAL_ROUTER_TOKEN or pass --admin-token-file <path>',
      ],
    });
  });

  it('lists every problem', () => {
    expect(parseRouterArgs(['--port', 'x', '--bogus', '--host'], {})).toEqual({
      ok: false,
      problems: [
        'unknown flag --bogus; valid flags: --host, --port, --admin-port, --admin-token-file, --upstream-timeout-ms, --exit-on-stdin-close, --help',
        '--host needs a value',
        'an admin token is required: set REHEARSAL_ROUTER_TOKEN or pass --admin-token-file <path>',
        '--port must be an integer 0-65535, got "x"',
      ],
    });
  });
});
