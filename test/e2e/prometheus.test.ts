import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { findPrometheus } from '../../sim/monitor/prometheus-server.js';
import type { RunReport, ScenarioReport } from '../../sim/vocabulary/report-model.js';
import { processesTagged, runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp-dir.js';

/** Prometheus processes (by command line) among `pids`. */
function prometheusAmong(pids: number[]): number[] {
  return pids.filter((pid) => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'latin1').split('\0')[0]!.endsWith('prometheus');
    } catch {
      return false;
    }
  });
}

/** Every prometheus process on the machine whose command line names a tsdb of ours. */
function ourPrometheusProcesses(): number[] {
  return readdirSync('/proc')
    .filter((e) => /^\d+$/.test(e))
    .map(Number)
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'latin1').includes('rehearsal-prometheus-');
      } catch {
        return false;
      }
    });
}

describe.skipIf(!findPrometheus())(
  'rehearse run --prometheus: canaries decided from a real Prometheus (local, live)',
  () => {
    const reports = tempDir('rehearsal-e2e-prom-');
    const tag = `e2e-prom-${process.pid}`;
    let result: Awaited<ReturnType<typeof runCli>>;
    let report: RunReport;
    const before = ourPrometheusProcesses();
    let during: number[] = [];
    const scenario = (name: string) => report.scenarios.find((s) => s.name === name) as ScenarioReport;

    beforeAll(async () => {
      // Sample the processes while the run goes on: the harness's Prometheus must really be there.
      const sampler = setInterval(() => {
        during = [...new Set([...during, ...prometheusAmong(processesTagged(tag))])];
      }, 500);
      try {
        result = await runCli(
          [
            'run',
            'test/fixtures/prometheus/canary-error-burst.yaml',
            'test/fixtures/prometheus/canary-healthy-promql.yaml',
            'scenarios/canary-scrape-gap.yaml',
            '--prometheus',
            '--reports',
            reports,
          ],
          { tag },
        );
      } finally {
        clearInterval(sampler);
      }
      const [dir] = readdirSync(reports);
      report = JSON.parse(readFileSync(join(reports, dir!, 'report.json'), 'utf8')) as RunReport;
    }, 200_000);

    it('exits 0 with every expectation held', () => {
      expect(result.stderr).not.toMatch(/internal error/);
      expect(result.code, result.stdout + result.stderr).toBe(0);
      expect(report.summary).toMatchObject({ total: 3, passed: 3, failed: 0, errors: 0 });
    });

    it('started a Prometheus of its own for the run', () => {
      expect(during.length).toBeGreaterThanOrEqual(1);
    });

    it('rolls back the erroring candidate on an error rate measured by Prometheus', () => {
      const spike = scenario('prom-canary-error-burst');
      expect(spike.classification).toBe('caught');
      expect(spike.observed.outcome).toBe('rolled-back');
      const failed = spike.measurements.filter((m) => m.phase === 'failed');
      expect(failed.length).toBeGreaterThan(0);
      expect(failed[0]!.message).toMatch(
        /^error_rate of v2 = [\d.]+ ratio over \d+ requests \(Prometheus\), above 0\.01/,
      );
      // Every measurement with a value came from Prometheus: the built-in store decided nothing.
      const valued = spike.measurements.filter((m) => m.value !== undefined);
      expect(valued.length).toBeGreaterThan(0);
      for (const m of valued) expect(m.message).toContain('(Prometheus)');
    });

    it('promotes the healthy candidate judged by a templated PromQL query and a default one', () => {
      const healthy = scenario('prom-canary-healthy-promql');
      expect(healthy.classification).toBe('promoted');
      expect(healthy.observed.outcome).toBe('promoted');
      const ok = healthy.measurements.filter((m) => m.phase === 'successful');
      expect(
        ok.some((m) =>
          /^candidate 5xx ratio of v2 = 0\.0000 ratio over \d+ requests \(Prometheus\)/.test(m.message),
        ),
      ).toBe(true);
      expect(
        ok.some((m) =>
          /^acceptance_rate of v2 = [\d.]+ ratio over \d+ verdicts \(Prometheus\)/.test(m.message),
        ),
      ).toBe(true);
      expect(healthy.measurements.filter((m) => m.phase === 'failed' || m.phase === 'error')).toEqual([]);
    });

    it('a scrape gap blinds the Prometheus (its file_sd targets emptied): verified, and the release pauses', () => {
      const gap = scenario('canary-scrape-gap');
      expect(gap.observed.outcome).toBe('paused');
      expect(gap.faults[0]).toMatchObject({ type: 'scrape-gap', applied: true, verified: true });
      expect(gap.faults[0]!.detail).toMatch(/scraper scrapes stood still over two intervals/);
    });

    it('leaves no process behind, Prometheus included', () => {
      expect(processesTagged(tag)).toEqual([]);
      for (const pid of during) expect(() => process.kill(pid, 0)).toThrow();
      expect(ourPrometheusProcesses().filter((p) => !before.includes(p))).toEqual([]);
    });
  },
);

describe('rehearse run refuses checks its monitoring source cannot measure, before starting anything', () => {
  it('a sequential check with --prometheus', async () => {
    const r = await runCli([
      'run',
      'scenarios/canary-healthy.yaml',
      '--prometheus',
      '--reports',
      tempDir('e2e-prom-'),
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /scenarios\/canary-healthy\.yaml: strategy\.analysis\.checks\[2\]: a sequential check reads the built-in store and has no PromQL form/,
    );
  });

  it('a PromQL query without a Prometheus (rehearse simulate)', async () => {
    const r = await runCli(['simulate', 'test/fixtures/prometheus/canary-healthy-promql.yaml']);
    expect(r.code, r.stdout + r.stderr).not.toBe(0);
    expect(r.stdout + r.stderr).toMatch(/is PromQL, and a simulation has no Prometheus/);
  });
});
