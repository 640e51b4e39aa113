import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../fixtures/judge-service/src/config.js';

const files: Record<string, string> = { '/run/tok': 'file-token\n', '/run/empty': '', '/run/two': 'a b\n' };
const read = (path: string) => {
  if (files[path] === undefined) throw Object.assign(new Error('no such file'), { code: 'ENOENT' });
  return files[path];
};

describe('judge service admin token', () => {
  it('comes from --admin-token-file (trimmed) before JUDGE_ADMIN_TOKEN', () => {
    expect(
      parseConfig(['--admin-token-file', '/run/tok'], { JUDGE_ADMIN_TOKEN: 'env' }, read).adminToken,
    ).toBe('file-token');
    expect(parseConfig([], { JUDGE_ADMIN_TOKEN: 'env' }, read).adminToken).toBe('env');
    expect(parseConfig([], {}, read).adminToken).toBeUndefined();
  });

  it('is never taken from argv, and a bad file is a clear error', () => {
    expect(() => parseConfig(['--admin-token', 'x'], {}, read)).toThrow(
      /--admin-token is not accepted: a token on the command line is visible .* set JUDGE_ADMIN_TOKEN or pass --admin-token-file/,
    );
    expect(() => parseConfig(['--admin-token-file', '/run/none'], {}, read)).toThrow(
      '--admin-token-file /run/none: cannot read it (ENOENT); give a readable file holding the token',
    );
    expect(() => parseConfig(['--admin-token-file', '/run/empty'], {}, read)).toThrow(/is empty/);
    expect(() => parseConfig(['--admin-token-file', '/run/two'], {}, read)).toThrow(
      /one line of visible ASCII/,
    );
  });
});
