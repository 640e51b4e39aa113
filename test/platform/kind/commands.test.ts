import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { kindNameOfContext, planCluster } from '../../../sim/platform/kind/cluster.js';
import * as c from '../../../sim/platform/kind/commands.js';

const target = { kubeconfig: '/run/kc', context: 'kind-rh' };

describe('kind and kubectl command lines', () => {
  it('creates a cluster from fixtures/kind/cluster.yaml into a kubeconfig of its own, and deletes it by name', () => {
    expect(c.kindCreateArgs('rh-1', '/w/kubeconfig')).toEqual([
      'create',
      'cluster',
      '--name',
      'rh-1',
      '--config',
      c.CLUSTER_CONFIG,
      '--kubeconfig',
      '/w/kubeconfig',
      '--wait',
      '120s',
    ]);
    expect(c.CLUSTER_CONFIG).toMatch(/fixtures\/kind\/cluster\.yaml$/);
    expect(c.kindDeleteArgs('rh-1', '/w/kubeconfig')).toEqual([
      'delete',
      'cluster',
      '--name',
      'rh-1',
      '--kubeconfig',
      '/w/kubeconfig',
    ]);
    expect(c.kindKubeconfigArgs('mine')).toEqual(['get', 'kubeconfig', '--name', 'mine']);
  });

  it('loads images by explicit tag and refuses untagged or latest ones (the kubelet would try to pull them)', () => {
    expect(c.kindLoadArgs('rh', ['rehearsal/judge-service:abc', 'rehearsal/router:def'])).toEqual([
      'load',
      'docker-image',
      '--name',
      'rh',
      'rehearsal/judge-service:abc',
      'rehearsal/router:def',
    ]);
    expect(() => c.kindLoadArgs('rh', ['rehearsal/router:latest'])).toThrow(/explicit tag/);
    expect(() => c.kindLoadArgs('rh', ['rehearsal/router'])).toThrow(/explicit tag/);
    expect(() => c.kindLoadArgs('rh', ['localhost:5000/router'])).toThrow(/explicit tag/);
  });

  it('points every kubectl call at the chosen kubeconfig and context', () => {
    expect(c.kubectlTarget({})).toEqual([]);
    expect(c.portForwardArgs(target, 'ns', 'pod/p-1', 41234, 8080)).toEqual([
      '--kubeconfig',
      '/run/kc',
      '--context',
      'kind-rh',
      'port-forward',
      '--namespace',
      'ns',
      '--address',
      '127.0.0.1',
      'pod/p-1',
      '41234:8080',
    ]);
    expect(c.signalArgs({ context: 'x' }, 'ns', 'p-1', 'SIGSTOP')).toEqual([
      '--context',
      'x',
      'exec',
      '--namespace',
      'ns',
      'p-1',
      '-c',
      'judge',
      '--',
      'node',
      '-e',
      c.SIGNAL_SCRIPT,
      'SIGSTOP',
      c.SERVICE_MARK,
    ]);
  });

  it("reads the local port from kubectl port-forward's output", () => {
    expect(c.parseForwarding('Forwarding from 127.0.0.1:41234 -> 8080')).toBe(41234);
    expect(c.parseForwarding('Forwarding from [::1]:41234 -> 8080')).toBeUndefined();
    expect(c.parseForwarding('Handling connection for 41234')).toBeUndefined();
  });

  it('the exec script signals the processes whose command line carries the mark, and only those', async () => {
    const mark = `rehearsal-signal-test-${randomBytes(6).toString('hex')}`;
    const target = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)', mark], { stdio: 'ignore' });
    const bystander = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)', 'bystander'], {
      stdio: 'ignore',
    });
    try {
      const exited = new Promise<NodeJS.Signals | null>((resolve) =>
        target.once('exit', (_code, signal) => resolve(signal)),
      );
      await new Promise((r) => setTimeout(r, 200));
      await execa(process.execPath, ['-e', c.SIGNAL_SCRIPT, 'SIGTERM', mark]);
      expect(await exited).toBe('SIGTERM');
      expect(bystander.exitCode).toBeNull();
      const none = await execa(process.execPath, ['-e', c.SIGNAL_SCRIPT, 'SIGTERM', mark], { reject: false });
      expect(none.exitCode).toBe(3);
      expect(none.stderr).toContain(`no process running ${mark}`);
    } finally {
      target.kill('SIGKILL');
      bystander.kill('SIGKILL');
    }
  });
});

describe('which cluster', () => {
  it('creates one per run by default, reuses --cluster, targets --kubeconfig/--context (kind when the context says so)', () => {
    expect(planCluster({}, '20261127-193012-ab12')).toEqual({
      mode: 'create',
      kindName: 'rehearsal-193012-ab12',
    });
    expect(planCluster({ cluster: 'mine' }, 'r')).toEqual({ mode: 'reuse', kindName: 'mine' });
    expect(planCluster({ context: 'kind-ci' }, 'r')).toEqual({ mode: 'target', kindName: 'ci' });
    expect(planCluster({ kubeconfig: '/k', context: 'gke_prod' }, 'r')).toEqual({ mode: 'target' });
    expect(planCluster({ kubeconfig: '/k', cluster: 'named' }, 'r')).toEqual({
      mode: 'target',
      kindName: 'named',
    });
    expect(kindNameOfContext('kind-x')).toBe('x');
    expect(kindNameOfContext(undefined)).toBeUndefined();
  });
});
