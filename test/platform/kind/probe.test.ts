import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { KindPlatform } from '../../../sim/platform/kind/kind-platform.js';
import { foldProbe, probeKind } from '../../../sim/platform/kind/probe.js';
import { nullLogger } from '../../../sim/util/logger.js';
import { packageRoot } from '../../../sim/util/paths.js';

const which = async (name: string) =>
  (await execa('sh', ['-c', `command -v ${name}`], { reject: false })).stdout.trim() || undefined;
const kubectl = await which('kubectl');
const kindOnPath = await which('kind');
const dir = mkdtempSync(join(tmpdir(), 'rehearsal-kind-probe-'));
const bin = join(dir, 'bin');
await execa('mkdir', ['-p', bin]);
if (kubectl) symlinkSync(kubectl, join(bin, 'kubectl'));
const env = { PATH: bin, KUBECONFIG: join(dir, 'none') };
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('kind platform probe', () => {
  it('without kind on PATH: unavailable, says so, and the hint says how to get it', async () => {
    const probe = await probeKind({}, env);
    expect(probe.available).toBe(false);
    expect(probe.detail).toMatch(/^kind: not found on PATH/);
    expect(probe.detail).toMatch(/; docker: /);
    expect(probe.detail).toMatch(/; cluster: a kind cluster is created per scenario/);
    if (kubectl) expect(probe.detail).toMatch(/kubectl: v1\.\d+/);
    expect(probe.hint).toMatch(/install kind/);
  });

  it('with nothing on PATH: kind and kubectl each named with a hint', async () => {
    const probe = await probeKind({}, { PATH: join(dir, 'empty'), KUBECONFIG: env.KUBECONFIG });
    expect(probe.detail).toContain('kubectl: not found on PATH');
    expect(probe.hint).toMatch(/install kind.*install kubectl/);
  });

  it('an unreachable cluster given by kubeconfig and context is reported with its address; kind is not needed for it', async () => {
    const kubeconfig = join(dir, 'kubeconfig');
    writeFileSync(
      kubeconfig,
      [
        'apiVersion: v1',
        'kind: Config',
        'clusters: [{ name: far, cluster: { server: "https://127.0.0.1:1" } }]',
        'users: [{ name: me, user: { token: t } }]',
        'contexts: [{ name: far, context: { cluster: far, user: me } }]',
        'current-context: far',
      ].join('\n'),
    );
    const probe = await probeKind({ kubeconfig, context: 'far' }, env);
    expect(probe.available).toBe(false);
    expect(probe.detail).toMatch(/cluster: cluster at https:\/\/127\.0\.0\.1:1 not reachable/);
    expect(probe.hint).toMatch(/kubectl cluster-info/);
    expect(probe.hint).not.toMatch(/install kind/);
  });

  it('folds parts: available only when every required part is fine; optional parts never block', () => {
    const ok = foldProbe('kind', [
      { name: 'a', ok: true, detail: 'fine' },
      { name: 'b', ok: false, optional: true, detail: 'absent', hint: 'get b' },
    ]);
    expect(ok).toEqual({ name: 'kind', available: true, detail: 'a: fine; b: absent' });
    const no = foldProbe('kind', [{ name: 'a', ok: false, detail: 'gone', hint: 'get a' }]);
    expect(no).toEqual({ name: 'kind', available: false, detail: 'a: gone', hint: 'get a' });
  });

  it.skipIf(kindOnPath)(
    'start() refuses with exit code 3 before building or creating anything when kind is missing',
    async () => {
      const platform = new KindPlatform();
      await expect(platform.start({ runId: 'r', workdir: dir, log: nullLogger })).rejects.toMatchObject({
        exitCode: 3,
        hint: expect.stringMatching(/install kind/),
      });
      await platform.dispose();
    },
  );

  it('`rehearse run --platform kind` fails fast with exit code 3 and the hint when kind is missing', async () => {
    const cli = join(packageRoot, 'dist/sim/cli.js');
    const result = await execa(
      process.execPath,
      [cli, 'run', '--platform', 'kind', 'scenarios/canary-healthy.yaml'],
      { cwd: packageRoot, env, extendEnv: false, reject: false, timeout: 30_000 },
    );
    expect(result.exitCode).toBe(3);
    expect(result.stderr).toMatch(/platform kind unavailable: kind: not found on PATH/);
    expect(result.stderr).toMatch(/hint: .*install kind/);
  });
});
