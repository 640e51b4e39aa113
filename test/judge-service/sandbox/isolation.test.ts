import { describe, expect, it } from 'vitest';
import { probeIsolation } from '../../../fixtures/judge-service/src/sandbox/isolation.js';

const worker = ['--experimental-permission', 'worker.js'];

describe('probeIsolation', () => {
  it('as root: a network namespace and an unprivileged uid per worker', () => {
    const i = probeIsolation({ uid: 0, uidBase: 64_000, run: () => true });
    expect(i).toMatchObject({ level: 'netns+uid', networkDenied: true, privilegesDropped: true });
    expect(i.warning).toBeUndefined();
    expect(i.command(1, worker).args.slice(0, 6)).toEqual([
      '-n',
      '--setuid',
      '64001',
      '--setgid',
      '64001',
      '--',
    ]);
  });

  it('as root without namespaces: still drops root, and warns that the network is shared', () => {
    const i = probeIsolation({ uid: 0, uidBase: 64_000, run: () => false });
    expect(i).toMatchObject({ level: 'uid', networkDenied: false, privilegesDropped: true });
    expect(i.warning).toMatch(/network namespace/);
    expect(i.command(0, worker)).toMatchObject({
      file: process.execPath,
      args: worker,
      uid: 64_000,
      gid: 64_000,
    });
  });

  it('not root: a user and network namespace when allowed, otherwise nothing and a warning', () => {
    const userns = probeIsolation({ uid: 1000, run: () => true });
    expect(userns).toMatchObject({ level: 'userns+netns', networkDenied: true, privilegesDropped: false });
    expect(userns.command(0, worker).args.slice(0, 3)).toEqual(['-r', '-n', '--']);
    const none = probeIsolation({ uid: 1000, run: () => false });
    expect(none).toMatchObject({ level: 'none', networkDenied: false });
    expect(none.warning).toMatch(/user namespaces/);
  });
});
