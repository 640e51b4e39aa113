import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import type { RunReport } from '../../sim/vocabulary/report-model.js';
import { type CliRun, processesTagged, runCli, startCli } from '../helpers/cli.js';
import { scenarioFile } from '../helpers/lifecycle-scenario.js';
import { leftoversAfter } from '../helpers/processes.js';
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
    expect(report.scenarios[0]!.status).toBe('interrupted');
    expect(report.scenarios[0]!.reason).toMatch(/^interrupted by SIGINT at t=\d+\.\d s/);
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
    expect(report.scenarios[0]!.status).toBe('interrupted');
    expect(report.scenarios[0]!.reason).toMatch(
      /^interrupted: timed out after 6s \(--timeout\) (at t=\d+\.\d s|during start-up)/,
    );
    expect(readFileSync(join(reports, dir!, 'junit.xml'), 'utf8')).toMatch(
      /<error message="interrupted: timed out after 6s \(--timeout\)[^"]*" type="interrupted">/,
    );
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

function readReport(reports: string): { report: RunReport; junit: string } {
  const [dir] = readdirSync(reports);
  return {
    report: JSON.parse(readFileSync(join(reports, dir!, 'report.json'), 'utf8')) as RunReport,
    junit: readFileSync(join(reports, dir!, 'junit.xml'), 'utf8'),
  };
}

/** The first tagged process whose command line contains `text`, as soon as it exists. */
async function processWith(tag: string, text: string, timeoutMs = 20_000): Promise<number> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    for (const pid of processesTagged(tag)) {
      try {
        if (readFileSync(`/proc/${pid}/cmdline`, 'latin1').split('\0').join(' ').includes(text)) return pid;
      } catch {
        // gone
      }
    }
    await sleep(3);
  }
  throw new Error(`no process with "${text}" within ${timeoutMs} ms`);
}

/** Exit code and how long after `from` the CLI took to exit, or null if it did not within `withinMs`. */
async function exitWithin(
  run: CliRun,
  from: number,
  withinMs: number,
): Promise<{ code: number | null; ms: number }> {
  const code = await Promise.race([run.exit, sleep(withinMs).then(() => 'hung' as const)]);
  if (code === 'hung') {
    run.child.kill('SIGKILL');
    throw new Error(`the CLI did not exit within ${withinMs} ms:\n${run.stdout()}\n${run.stderr()}`);
  }
  return { code, ms: Date.now() - from };
}

describe('the CLI ends by itself, with nothing left, whatever fails or stops it', () => {
  it('one stable instance SIGKILLed during start-up: harness error, its sibling stopped, exit 1 on its own', async () => {
    const { file, reports } = scenarioFile('e2e-start-kill', {
      service: 'service: { replicas: 2, workers: 1, stable: v1, candidate: v2 }',
    });
    const tag = `e2e-start-kill-${process.pid}`;
    const t0 = Date.now();
    const run = startCli(['run', file, '--reports', reports], { tag });
    process.kill(await processWith(tag, '--instance v1-1'), 'SIGKILL');
    const { code, ms } = await exitWithin(run, t0, 20_000);
    expect(code, run.stdout() + run.stderr()).toBe(1);
    expect(await leftoversAfter(tag)).toEqual([]);
    const { report, junit } = readReport(reports);
    expect(report.scenarios[0]!.status).toBe('error');
    expect(report.scenarios[0]!.reason).toMatch(/harness error: judge service v1-1 exited during start-up/);
    expect(junit).toContain('type="harness-error"');
    expect(ms).toBeLessThan(15_000);
  }, 30_000);

  it('Ctrl-C while the instances start: exit 4 within seconds, reported as interrupted during start-up', async () => {
    const { file, reports } = scenarioFile('e2e-start-int');
    const tag = `e2e-start-int-${process.pid}`;
    const run = startCli(['run', file, '--reports', reports], { tag });
    await processWith(tag, '--instance v1-0');
    const t0 = Date.now();
    run.child.kill('SIGINT');
    const { code, ms } = await exitWithin(run, t0, 10_000);
    expect(code, run.stdout() + run.stderr()).toBe(4);
    expect(ms).toBeLessThan(5000);
    expect(await leftoversAfter(tag)).toEqual([]);
    const s = readReport(reports).report.scenarios[0]!;
    expect(s.status).toBe('interrupted');
    expect(s.reason).toMatch(/^interrupted by SIGINT during start-up/);
  }, 30_000);

  it('Ctrl-C mid-traffic: exit 4 within seconds; interrupted in report.json and an <error> in JUnit with the time', async () => {
    const { file, reports } = scenarioFile('e2e-traffic-int', {
      traffic: 'traffic:\n  profile: { type: constant, rate: 10 }\n  duration: 20s',
    });
    const tag = `e2e-traffic-int-${process.pid}`;
    const run = startCli(['run', file, '--reports', reports], { tag });
    const end = Date.now() + 20_000;
    while (!run.stdout().includes('traffic-start') && !run.stdout().includes('deploy') && Date.now() < end)
      await sleep(50);
    await sleep(1000);
    const t0 = Date.now();
    run.child.kill('SIGINT');
    const { code, ms } = await exitWithin(run, t0, 15_000);
    expect(code, run.stdout() + run.stderr()).toBe(4);
    expect(ms).toBeLessThan(8000);
    expect(await leftoversAfter(tag)).toEqual([]);
    const { report, junit } = readReport(reports);
    const s = report.scenarios[0]!;
    expect(s.status).toBe('interrupted');
    expect(s.reason).toMatch(
      /^interrupted by SIGINT at t=\d+\.\d s \(\d+ of \d+ planned requests not sent\); not judged$/,
    );
    expect(s.traffic.distorted).toBe(false);
    expect(report.summary).toMatchObject({ total: 1, passed: 0, failed: 0, interrupted: 1 });
    expect(junit).toMatch(/<error message="interrupted by SIGINT at t=\d+\.\d s[^"]*" type="interrupted">/);
    expect(junit).not.toContain('<failure');
    expect(junit).not.toContain('fell behind');
    expect(run.stdout()).toMatch(/INTERRUPTED e2e-traffic-int/);
  }, 40_000);

  it('a second Ctrl-C kills everything at once', async () => {
    const { file, reports } = scenarioFile('e2e-double-int');
    const tag = `e2e-double-int-${process.pid}`;
    const run = startCli(['run', file, '--reports', reports], { tag });
    // Mid-release (the candidate is up), so that the graceful stop the first Ctrl-C begins is still under way when the
    // second arrives: a start-up stop can finish within the 20 ms, and a signal during Node's own exit is its death.
    await processWith(tag, '--instance v2-0');
    const t0 = Date.now();
    run.child.kill('SIGINT');
    await sleep(20);
    run.child.kill('SIGINT');
    const { code, ms } = await exitWithin(run, t0, 5000);
    expect(code, `signal ${run.child.signalCode}\n${run.stdout()}\n${run.stderr()}`).toBe(4);
    expect(run.stderr()).toContain('SIGINT: killing everything now');
    expect(ms).toBeLessThan(2000);
    expect(await leftoversAfter(tag, 3000)).toEqual([]);
  }, 30_000);

  it('a Ctrl-C in the first second (while the commands still load) exits 4 at once, not 130', async () => {
    const { file, reports } = scenarioFile('e2e-early-int');
    const tag = `e2e-early-int-${process.pid}`;
    const run = startCli(['run', file, '--reports', reports], { tag });
    // Node's own start-up takes ~50-200 ms here; the handlers are installed right after it, before the commands load.
    await sleep(500);
    const t0 = Date.now();
    run.child.kill('SIGINT');
    const { code, ms } = await exitWithin(run, t0, 10_000);
    expect(code, run.stderr()).toBe(4);
    expect(ms).toBeLessThan(1000);
    expect(await leftoversAfter(tag)).toEqual([]);
  });
});
