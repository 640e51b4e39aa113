import { readdirSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import Docker from 'dockerode';
import { describe, expect, it } from 'vitest';
import type { RunReport } from '../../../sim/vocabulary/report-model.js';
import { startCli } from '../../helpers/cli.js';
import { scenarioFile } from '../../helpers/lifecycle-scenario.js';
import { noEngine } from './engine-helper.js';

const docker = new Docker();
const byLabel = (label: string) => JSON.stringify({ label: [label] });

const readReport = (reports: string) => {
  const [dir] = readdirSync(reports);
  return {
    report: JSON.parse(readFileSync(join(reports, dir!, 'report.json'), 'utf8')) as RunReport,
    junit: readFileSync(join(reports, dir!, 'junit.xml'), 'utf8'),
  };
};

/** Everything the CLI with this pid made in Docker (by its owner label). */
async function leftOf(pid: number): Promise<number> {
  const owner = byLabel(`rehearsal.owner=${pid}@${hostname()}`);
  const [c, n, v] = await Promise.all([
    docker.listContainers({ all: true, filters: owner }),
    docker.listNetworks({ filters: owner }),
    docker.listVolumes({ filters: owner }),
  ]);
  return c.length + n.length + (v.Volumes ?? []).length;
}

describe.skipIf(noEngine !== undefined)(
  'the CLI on --platform docker ends by itself, as on local (live)',
  () => {
    it('one stable container killed during start-up: harness error, exit 1 on its own, nothing left', async () => {
      const { file, reports } = scenarioFile('docker-start-kill', {
        service: 'service: { replicas: 2, workers: 1, stable: v1, candidate: v2 }',
      });
      const run = startCli(['run', '--platform', 'docker', file, '--reports', reports]);
      const owner = byLabel(`rehearsal.owner=${run.child.pid}@${hostname()}`);
      for (let i = 0; i < 3000; i++) {
        const c = (await docker.listContainers({ all: true, filters: owner })).find(
          (x) => x.State === 'running' && x.Names.some((n) => n.endsWith('-v1-1')),
        );
        if (c) {
          await docker.getContainer(c.Id).kill({ signal: 'SIGKILL' });
          break;
        }
        await sleep(20);
      }
      const t0 = Date.now();
      const code = await Promise.race([run.exit, sleep(30_000).then(() => 'hung')]);
      expect(code, run.stdout() + run.stderr()).toBe(1);
      expect(Date.now() - t0).toBeLessThan(20_000);
      expect(await leftOf(run.child.pid!)).toBe(0);
      const s = readReport(reports).report.scenarios[0]!;
      expect(s.status).toBe('error');
      expect(s.reason).toMatch(/harness error: container \w+ exited during start-up/);
    }, 120_000);

    it('Ctrl-C mid-traffic: exit 4 within seconds, interrupted with the time (as on local), nothing left', async () => {
      const { file, reports } = scenarioFile('docker-traffic-int', {
        traffic: 'traffic:\n  profile: { type: constant, rate: 10 }\n  duration: 20s',
      });
      const run = startCli(['run', '--platform', 'docker', file, '--reports', reports]);
      for (let i = 0; i < 1200 && !run.stdout().includes('deploy'); i++) await sleep(100);
      await sleep(1000);
      const t0 = Date.now();
      run.child.kill('SIGINT');
      const code = await Promise.race([run.exit, sleep(30_000).then(() => 'hung')]);
      expect(code, run.stdout() + run.stderr()).toBe(4);
      const ms = Date.now() - t0;
      expect(ms).toBeLessThan(15_000);
      expect(await leftOf(run.child.pid!)).toBe(0);
      const { report, junit } = readReport(reports);
      const s = report.scenarios[0]!;
      expect(s.status).toBe('interrupted');
      expect(s.reason).toMatch(/^interrupted by SIGINT at t=\d+\.\d s/);
      expect(junit).toMatch(/<error message="interrupted by SIGINT at t=[^"]*" type="interrupted">/);
    }, 120_000);
  },
);
