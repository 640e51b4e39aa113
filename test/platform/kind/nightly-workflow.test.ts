import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { commands } from '../../../sim/commands/index.js';
import { packageRoot } from '../../../sim/util/paths.js';

type Step = {
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, unknown>;
  env?: Record<string, unknown>;
};
const workflow = parse(readFileSync(join(packageRoot, '.github/workflows/nightly.yml'), 'utf8')) as {
  on: Record<string, unknown>;
  jobs: Record<string, { 'runs-on': string; 'timeout-minutes': number; steps: Step[] }>;
};
const steps = Object.values(workflow.jobs).flatMap((j) => j.steps);
const runs = steps.map((s) => s.run ?? '').join('\n');

describe('.github/workflows/nightly.yml', () => {
  it('runs nightly and on demand, bounded in time', () => {
    expect(Object.keys(workflow.on).sort()).toEqual(['schedule', 'workflow_dispatch']);
    for (const job of Object.values(workflow.jobs)) expect(job['timeout-minutes']).toBeLessThanOrEqual(120);
  });

  it('creates the kind cluster from fixtures/kind/cluster.yaml and rehearses on it with --platform kind --cluster', () => {
    const kind = steps.find((s) => s.uses?.startsWith('helm/kind-action@'));
    expect(kind?.with?.config).toBe('fixtures/kind/cluster.yaml');
    expect(existsSync(join(packageRoot, String(kind?.with?.config)))).toBe(true);
    expect(runs).toMatch(/node dist\/sim\/cli\.js run \$SCENARIOS --platform kind --cluster "\$CLUSTER"/);
    expect(steps.find((s) => s.run?.includes('vitest run test/platform/kind/'))?.env).toHaveProperty(
      'REHEARSAL_KIND_CLUSTER',
    );
  });

  it('publishes the JUnit file and summary.md and uploads the report folder, even when the rehearsal failed', () => {
    const junit = steps.find((s) => s.uses?.startsWith('mikepenz/action-junit-report@'));
    expect(junit?.with?.report_paths).toBe('reports/*/junit.xml');
    expect(runs).toContain('summary.md" >> "$GITHUB_STEP_SUMMARY"');
    const upload = steps.find((s) => s.uses?.startsWith('actions/upload-artifact@'));
    expect(upload?.with?.path).toBe('reports/');
    for (const s of [junit, upload, steps.find((x) => x.name === 'Job summary')])
      expect(s?.if).toBe('always()');
  });

  it('pins every action to a major version and only calls rehearse commands that exist', () => {
    for (const s of steps.filter((x) => x.uses)) expect(s.uses).toMatch(/@v\d+$/);
    for (const m of runs.matchAll(/dist\/sim\/cli\.js (\w[\w-]*)/g))
      expect(Object.keys(commands)).toContain(m[1]);
  });
});
