import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import type { RunReport } from '../../sim/report/model.js';
import { processesTagged, runCli, startCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp-dir.js';

async function waitFor(predicate: () => boolean, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await sleep(100);
  }
}

describe('interrupting and refusing runs', () => {
  it('Ctrl-C mid-release stops everything, writes what it has, and exits 4', async () => {
    const reports = tempDir('rehearsal-int-');
    const tag = `e2e-int-${process.pid}`;
    const run = startCli(['run', 'scenarios/canary-healthy.yaml', '--reports', reports], { tag });
    await waitFor(() => run.stdout().includes('deploy'), 30_000);
    expect(processesTagged(tag).length).toBeGreaterThan(3); // CLI, router, 2 stable, 2 candidate (+ sandboxes)
    run.child.kill('SIGINT');
    const code = await run.exit;
    expect(code, run.stdout() + run.stderr()).toBe(4);
    await waitFor(() => processesTagged(tag).length === 0, 5000);
    const [dir] = readdirSync(reports);
    const report = JSON.parse(readFileSync(join(reports, dir!, 'report.json'), 'utf8')) as RunReport;
    expect(report.interrupted).toBe(true);
    expect(report.interruptedBy).toBe('interrupted by SIGINT');
  }, 60_000);

  it('--timeout stops the run at its deadline: torn down, finished work reported with the reason and what did not run, exit 4', async () => {
    const reports = tempDir('rehearsal-timeout-');
    const tag = `e2e-timeout-${process.pid}`;
    const run = startCli(
      [
        'run',
        'scenarios/canary-healthy.yaml',
        'scenarios/blue-green-healthy.yaml',
        '--timeout',
        '6s',
        '--reports',
        reports,
      ],
      { tag },
    );
    const code = await run.exit;
    expect(code, run.stdout() + run.stderr()).toBe(4);
    expect(run.stderr()).toContain('run timed out after 6s');
    await waitFor(() => processesTagged(tag).length === 0, 5000);
    const [dir] = readdirSync(reports);
    const report = JSON.parse(readFileSync(join(reports, dir!, 'report.json'), 'utf8')) as RunReport;
    expect(report.interrupted).toBe(true);
    expect(report.interruptedBy).toBe('timed out after 6s (--timeout)');
    expect(report.notRun).toEqual(['blue-green-healthy']);
    expect(report.scenarios.map((s) => s.name)).toEqual(['canary-healthy']);
    expect(readFileSync(join(reports, dir!, 'summary.md'), 'utf8')).toContain(
      '(interrupted: timed out after 6s (--timeout); 1 not run: blue-green-healthy)',
    );
  }, 60_000);

  it('refuses a malformed --timeout before starting anything', async () => {
    const result = await runCli(['run', 'scenarios/canary-healthy.yaml', '--timeout', 'soon'], {
      tag: `e2e-to-${process.pid}`,
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      '--timeout must be a duration from 1s to 24h like 90s, 30m or 2h, got soon',
    );
  });

  it('SIGKILL of the harness still takes its instances down (they watch its pipe)', async () => {
    const reports = tempDir('rehearsal-kill-');
    const tag = `e2e-kill-${process.pid}`;
    const run = startCli(['run', 'scenarios/canary-healthy.yaml', '--reports', reports], { tag });
    await waitFor(() => run.stdout().includes('deploy'), 30_000);
    run.child.kill('SIGKILL');
    await run.exit;
    await waitFor(() => processesTagged(tag).length === 0, 10_000);
  }, 60_000);

  it('an invalid scenario exits 2, lists every problem and starts nothing', async () => {
    const dir = tempDir('rehearsal-bad-');
    const { writeFileSync } = await import('node:fs');
    const file = join(dir, 'bad.yaml');
    writeFileSync(
      file,
      'name: bad\ntraffic: { profile: { type: constant, rate: 10 }, duration: 10s }\nstrategy:\n  type: canary\n  steps: [ { setWeight: 140 } ]\nfaults: [ { type: meteor } ]\nexpect: { outcome: promoted }\n',
    );
    const reports = join(dir, 'reports');
    const tag = `e2e-bad-${process.pid}`;
    const result = await runCli(['run', file, '--reports', reports], { tag, cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('bad.yaml: strategy.steps[0].setWeight must be 0–100, got 140');
    expect(result.stderr).toContain('bad.yaml: faults[0].type must be one of');
    expect(result.stderr).toContain('nothing was started');
    expect(readdirSync(dir)).toEqual(['bad.yaml']);
  });
});
