import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunReport } from '../../../sim/vocabulary/report-model.js';
import { runCli } from '../../helpers/cli.js';
import { noEngine } from './engine-helper.js';

/** Every strategy other than canary (docker-cli.test.ts runs those), with a healthy and an erroring candidate. */
const pairs = ['blue-green', 'rolling', 'segment'].flatMap((s) => [`${s}-healthy`, `${s}-http-errors`]);

describe.skipIf(noEngine !== undefined)(
  'every strategy on --platform docker, same expectations as on local (live)',
  () => {
    const reports = mkdtempSync(join(tmpdir(), 'rehearsal-docker-strategies-'));
    let result: Awaited<ReturnType<typeof runCli>>;
    let report: RunReport;

    beforeAll(async () => {
      result = await runCli([
        'run',
        '--platform',
        'docker',
        ...pairs.map((p) => `scenarios/${p}.yaml`),
        '--reports',
        reports,
      ]);
      const [dir] = readdirSync(reports);
      if (!dir) throw new Error(`no report written (exit ${result.code}): ${result.stdout}${result.stderr}`);
      report = JSON.parse(readFileSync(join(reports, dir, 'report.json'), 'utf8')) as RunReport;
    }, 600_000);

    afterAll(() => rmSync(reports, { recursive: true, force: true }));

    it('promotes every healthy candidate and rolls back every erroring one', () => {
      const outcomes = Object.fromEntries(report.scenarios.map((s) => [s.name, s.observed.outcome]));
      expect(outcomes).toEqual(
        Object.fromEntries(pairs.map((p) => [p, p.endsWith('healthy') ? 'promoted' : 'rolled-back'])),
      );
      expect(result.code, result.stdout + result.stderr).toBe(0);
    });

    it('leaves nothing of the run behind', async () => {
      const filters = JSON.stringify({ label: [`rehearsal.run=${report.runId}`] });
      expect(await new Docker().listContainers({ all: true, filters })).toEqual([]);
    });
  },
);
