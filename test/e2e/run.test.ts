import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RunReport, ScenarioReport } from '../../sim/vocabulary/report-model.js';
import { processesTagged, runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp-dir.js';
import { hasXmllint, junitXsd } from '../report/helpers.js';

describe('rehearse run on the two shipped canary scenarios (local platform, live)', () => {
  const reports = tempDir('rehearsal-e2e-');
  const tag = `e2e-run-${process.pid}`;
  let result: Awaited<ReturnType<typeof runCli>>;
  let report: RunReport;
  let runDir: string;
  const scenario = (name: string) => report.scenarios.find((s) => s.name === name) as ScenarioReport;

  beforeAll(async () => {
    result = await runCli(
      ['run', 'scenarios/canary-healthy.yaml', 'scenarios/canary-error-spike.yaml', '--reports', reports],
      { tag },
    );
    const [dir] = readdirSync(reports);
    runDir = join(reports, dir!);
    report = JSON.parse(readFileSync(join(runDir, 'report.json'), 'utf8')) as RunReport;
  }, 150_000);

  it('exits 0 with every expectation held, and says so', () => {
    expect(result.stderr).not.toMatch(/internal error/);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toMatch(/2 passed, 0 failed/);
    expect(report.summary).toEqual({ total: 2, passed: 2, failed: 0, errors: 0, interrupted: 0 });
  });

  it('promotes the healthy candidate with no failed user request caused by the release', () => {
    const healthy = scenario('canary-healthy');
    expect(healthy.classification).toBe('promoted');
    expect(healthy.observed.outcome).toBe('promoted');
    expect(healthy.observed.failedRequests).toBe(0);
    expect(healthy.blastRadius.byVersion.v2?.requests).toBeGreaterThan(100);
    expect(healthy.timeline.map((e) => e.type)).toEqual(
      expect.arrayContaining(['deploy', 'weights', 'promoted']),
    );
    expect(healthy.measurements.filter((m) => m.phase === 'failed')).toEqual([]);
    expect(healthy.measurements.some((m) => m.phase === 'successful')).toBe(true);
  });

  it('rolls back the erroring candidate, measuring detection, rollback and blast radius by version', () => {
    const spike = scenario('canary-error-spike');
    expect(spike.classification).toBe('caught');
    expect(spike.observed.timeToDetectMs).toBeLessThanOrEqual(15_000);
    expect(spike.observed.timeToRollbackMs).toBeGreaterThanOrEqual(spike.observed.timeToDetectMs!);
    expect(spike.faults[0]).toMatchObject({
      type: 'http-errors',
      target: 'v2',
      applied: true,
      verified: true,
    });
    expect(spike.faults[0]!.observedResponses).toBeGreaterThan(0);
    expect(spike.blastRadius.byVersion.v2?.failed).toBe(spike.observed.failedRequests);
    // every measurement behind the decision is in the report
    const failed = spike.measurements.filter((m) => m.phase === 'failed');
    expect(failed.length).toBeGreaterThanOrEqual(2);
    expect(failed[0]!.value).toBeGreaterThan(0.01);
    // after all traffic is on stable, the candidate serves nothing new
    const onStable = spike.timeline.find((e) => e.type === 'all-traffic-on-stable')!.at;
    expect(spike.observed.lastCandidateRequestMs).toBeLessThanOrEqual(onStable + 50);
    expect(spike.observed.lostSubmissions).toBe(0);
  });

  it('writes a JUnit file valid against the XSD, one testcase per scenario', () => {
    const junit = readFileSync(join(runDir, 'junit.xml'), 'utf8');
    expect(junit.match(/<testcase /g)).toHaveLength(2);
    if (!hasXmllint) return console.warn('skipped XSD validation: xmllint is not installed');
    expect(() =>
      execFileSync('xmllint', ['--noout', '--schema', junitXsd, join(runDir, 'junit.xml')], {
        stdio: 'pipe',
      }),
    ).not.toThrow();
  });

  it('leaves no process behind', () => {
    expect(processesTagged(tag)).toEqual([]);
  });
});
