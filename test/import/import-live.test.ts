import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RunReport } from '../../sim/vocabulary/report-model.js';
import { processesTagged, runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp-dir.js';

describe('rehearse import, then rehearse run on the imported scenarios (local platform, live)', () => {
  const dir = tempDir('rehearsal-import-');
  const tag = `import-live-${process.pid}`;
  let argo: Awaited<ReturnType<typeof runCli>>;
  let flagger: Awaited<ReturnType<typeof runCli>>;
  let run: Awaited<ReturnType<typeof runCli>>;
  let report: RunReport;

  beforeAll(async () => {
    argo = await runCli(
      [
        'import',
        'fixtures/import/argo-canary.yaml',
        '--fault',
        'http-errors',
        '--out',
        join(dir, 'argo.yaml'),
      ],
      { tag },
    );
    flagger = await runCli(
      [
        'import',
        'fixtures/import/flagger-canary.yaml',
        '--time-scale',
        '20',
        '--out',
        join(dir, 'flagger.yaml'),
      ],
      { tag },
    );
    run = await runCli(
      ['run', join(dir, 'argo.yaml'), join(dir, 'flagger.yaml'), '--reports', join(dir, 'reports')],
      {
        tag,
      },
    );
    const [runDir] = readdirSync(join(dir, 'reports'));
    report = JSON.parse(readFileSync(join(dir, 'reports', runDir!, 'report.json'), 'utf8')) as RunReport;
  }, 150_000);

  it('import prints the plan and the fields it could not map', () => {
    expect(argo.code, argo.stderr).toBe(0);
    expect(argo.stdout).toMatch(/route 20% to v2, 80% to v1\n\s+3\. hold for 6s/);
    expect(argo.stdout).toMatch(/not mapped \(\d+\):\n[\s\S]*setHeaderRoute/);
    expect(flagger.code, flagger.stderr).toBe(0);
    expect(flagger.stdout).toMatch(/policy time compressed 20x/);
    expect(flagger.stdout).toMatch(/analysis every 3s/);
  });

  it('the Argo canary with an injected fault is rolled back, the healthy Flagger canary promoted', () => {
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const byName = Object.fromEntries(report.scenarios.map((s) => [s.name, s]));
    const a = byName['argo-judge-api']!;
    expect(a).toBeDefined();
    expect(a.source).toEqual({
      kind: 'argo-rollout',
      file: 'fixtures/import/argo-canary.yaml',
      timeScale: 10,
    });
    expect(a.observed.outcome).toBe('rolled-back');
    expect(a.classification).toBe('caught');
    const f = report.scenarios.find((s) => s.source?.kind === 'flagger-canary')!;
    expect(f.observed.outcome).toBe('promoted');
    expect(f.classification).toBe('promoted');
    expect(f.source?.timeScale).toBe(20);
    const summary = readFileSync(
      join(dir, 'reports', readdirSync(join(dir, 'reports'))[0]!, 'summary.md'),
      'utf8',
    );
    expect(summary).toMatch(/### Imported policies[\s\S]*time compressed 20x/);
  });

  it('leaves no process behind', () => {
    expect(processesTagged(tag)).toEqual([]);
  });

  it('a file that is not a Rollout or Canary: exit 2, naming the file and the field', async () => {
    const bad = await runCli(['import', 'scenarios/canary-healthy.yaml', '--out', join(dir, 'bad.yaml')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/scenarios\/canary-healthy\.yaml: kind: must be an Argo Rollouts Rollout/);
  });

  it('a bad flag: exit 2 naming the flag and the valid values', async () => {
    const bad = await runCli([
      'import',
      'fixtures/import/argo-canary.yaml',
      '--fault',
      'fire',
      '-o',
      join(dir, 'x.yaml'),
    ]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--fault: must be one of none, http-errors, latency, got "fire"/);
  });
});
