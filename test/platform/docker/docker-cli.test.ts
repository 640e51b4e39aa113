import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunReport } from '../../../sim/vocabulary/report-model.js';
import { runCli, startCli } from '../../helpers/cli.js';
import { noEngine } from './engine-helper.js';

const docker = new Docker();
const byLabel = (label: string) => JSON.stringify({ label: [label] });

describe.skipIf(noEngine !== undefined)('rehearse on --platform docker (live)', () => {
  const reports = mkdtempSync(join(tmpdir(), 'rehearsal-docker-e2e-'));
  let result: Awaited<ReturnType<typeof runCli>>;
  let report: RunReport;
  const foreign: Docker.Container[] = [];

  beforeAll(async () => {
    result = await runCli([
      'run',
      '--platform',
      'docker',
      'scenarios/canary-healthy.yaml',
      'scenarios/canary-error-spike.yaml',
      '--reports',
      reports,
    ]);
    const [dir] = readdirSync(reports);
    if (!dir) throw new Error(`no report written (exit ${result.code}): ${result.stdout}${result.stderr}`);
    report = JSON.parse(readFileSync(join(reports, dir!, 'report.json'), 'utf8')) as RunReport;
  }, 300_000);

  afterAll(async () => {
    await Promise.all(foreign.map((c) => c.remove({ force: true }).catch(() => undefined)));
    rmSync(reports, { recursive: true, force: true });
  });

  it('passes the healthy and the erroring canary with the same expectations as on local', () => {
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(report.summary).toEqual({ total: 2, passed: 2, failed: 0, errors: 0, interrupted: 0 });
    const byName = Object.fromEntries(report.scenarios.map((s) => [s.name, s]));
    expect(byName['canary-healthy']?.observed.outcome).toBe('promoted');
    expect(byName['canary-error-spike']?.observed.outcome).toBe('rolled-back');
  });

  it('records which base-image path was taken and the image tags', () => {
    for (const s of report.scenarios) {
      expect(s.platformInfo).toMatchObject({
        basePath: expect.stringMatching(/^(public-present|public-pulled|local-build)$/),
        judgeImage: expect.stringMatching(/^rehearsal\/judge-service:[0-9a-f]{12}$/),
        routerImage: expect.stringMatching(/^rehearsal\/router:[0-9a-f]{12}$/),
      });
    }
  });

  it('leaves no container, network or volume of the run behind', async () => {
    const label = `rehearsal.run=${report.runId}`;
    expect(await docker.listContainers({ all: true, filters: byLabel(label) })).toEqual([]);
    expect(await docker.listNetworks({ filters: byLabel(label) })).toEqual([]);
    expect((await docker.listVolumes({ filters: byLabel(label) })).Volumes ?? []).toEqual([]);
  });

  it('Ctrl-C during a run removes its containers, network and volume before exiting', async () => {
    const run = startCli([
      'run',
      '--platform',
      'docker',
      'scenarios/canary-healthy.yaml',
      '--reports',
      reports,
    ]);
    const owner = `rehearsal.owner=${run.child.pid}@${hostname()}`;
    for (let i = 0; i < 600; i++) {
      if ((await docker.listContainers({ filters: byLabel(owner) })).length >= 3) break;
      await sleep(100);
    }
    expect((await docker.listContainers({ filters: byLabel(owner) })).length).toBeGreaterThanOrEqual(3);
    run.child.kill('SIGINT');
    expect(await run.exit).toBe(4);
    expect(await docker.listContainers({ all: true, filters: byLabel(owner) })).toEqual([]);
    expect(await docker.listNetworks({ filters: byLabel(owner) })).toEqual([]);
    expect((await docker.listVolumes({ filters: byLabel(owner) })).Volumes ?? []).toEqual([]);
  }, 120_000);

  it('doctor reports the engine and the base-image path', async () => {
    const doctor = await runCli(['doctor']);
    expect(doctor.stdout).toMatch(/^ok {2}docker +engine \S+; .*(base image|local base build)/m);
  });

  it('clean removes leftovers of crashed runs only: not live runs, not containers that are not ours', async () => {
    const image = report.scenarios[0]!.platformInfo!.routerImage!;
    const make = async (labels: Record<string, string>) => {
      const c = await docker.createContainer({ Image: image, Labels: labels });
      foreign.push(c);
      return c.id;
    };
    const crashed = await make({
      rehearsal: '1',
      'rehearsal.run': 'crashed',
      'rehearsal.owner': '2147483646@nowhere',
    });
    const live = await make({
      rehearsal: '1',
      'rehearsal.run': 'live',
      'rehearsal.owner': `${process.pid}@${hostname()}`,
    });
    const notOurs = await make({ 'some.other.tool': '1' });
    const clean = await runCli(['clean']);
    expect(clean.code, clean.stderr).toBe(0);
    expect(clean.stdout).toMatch(/removed [1-9]\d* container\(s\)/);
    expect(clean.stdout).toMatch(/spared [1-9]\d* resource/);
    const ids = (await docker.listContainers({ all: true })).map((c) => c.Id);
    expect(ids).not.toContain(crashed);
    expect(ids).toEqual(expect.arrayContaining([live, notOurs]));
  });
});
