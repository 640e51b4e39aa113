import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { probeK6 } from '../../../sim/traffic/k6/runner.js';
import type { RequestRecord } from '../../../sim/traffic/record.js';
import { packageRoot } from '../../../sim/util/paths.js';
import type { RunReport } from '../../../sim/vocabulary/report-model.js';
import { installFakeK6 } from './fake-k6.js';

// Live rehearsals through the built CLI with `--driver k6`: with the real k6 where it is installed,
// and always with the stand-in k6 to prove the engine's wiring (it sends nothing, so no outcome is judged).
const cli = join(packageRoot, 'dist/sim/cli.js');
const tmp = mkdtempSync(join(tmpdir(), 'rehearsal-k6-live-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const k6 = await probeK6(process.env.PATH);
if (!k6.available)
  process.stderr.write(`skipped: live run with the real k6: ${k6.detail} (install k6 to run it)\n`);

const scenario = `
name: k6-live
seed: 3
service: { replicas: 1, stable: v1, candidate: v2 }
traffic:
  profile: { type: constant, rate: 10 }
  duration: 8s
  settle: 1s
strategy:
  type: canary
  steps: [ { setWeight: 50 }, { analyze: 3s } ]
  analysis:
    interval: 1s
    window: 3s
    checks: [ { metric: error_rate, max: 0.05 } ]
expect: { outcome: promoted, maxFailedRequests: 0 }
`;

async function rehearse(name: string, path: string) {
  const dir = join(tmp, name);
  const reports = join(dir, 'reports');
  writeFileSync(join(tmp, 'k6-live.yaml'), scenario);
  const r = await execa(
    process.execPath,
    [cli, 'run', join(tmp, 'k6-live.yaml'), '--driver', 'k6', '--reports', reports],
    {
      reject: false,
      env: { PATH: path, NO_COLOR: '1' },
      timeout: 90_000,
    },
  );
  const runDir = existsSync(reports) ? join(reports, readdirSync(reports)[0] ?? '') : '';
  const report =
    runDir && existsSync(join(runDir, 'report.json'))
      ? (JSON.parse(readFileSync(join(runDir, 'report.json'), 'utf8')) as RunReport)
      : undefined;
  return { r, runDir, report };
}

describe('rehearse run --driver k6', () => {
  it.skipIf(!k6.available)(
    k6.available
      ? `drives a short live rehearsal with the real k6 (${k6.detail})`
      : 'live run with the real k6: SKIPPED, k6 is not on PATH (install k6 to run it)',
    async () => {
      const { r, runDir, report } = await rehearse('real', process.env.PATH ?? '');
      expect(report, r.stderr).toBeDefined();
      const s = report!.scenarios[0]!;
      expect(s.traffic.driver).toBe('k6');
      expect(s.classification).not.toBe('harness-error');
      expect(s.traffic.sent).toBeGreaterThan(s.traffic.planned * 0.8);
      const records = readFileSync(join(runDir, 'k6-live/requests.jsonl'), 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as RequestRecord);
      expect(new Set(records.map((x) => x.version))).toContain('v1');
      expect(records.filter((x) => x.kind === 'submit' && x.verdict).length).toBeGreaterThan(0);
    },
    120_000,
  );

  it('wires the k6 driver into the engine (stand-in k6): files in the scenario folder, driver and records in the report', async () => {
    const fake = installFakeK6(join(tmp, 'fake'), { send: 30 });
    const { r, runDir, report } = await rehearse('fake', `${fake.bin}${delimiter}${process.env.PATH ?? ''}`);
    expect(report, r.stderr).toBeDefined();
    const s = report!.scenarios[0]!;
    expect(s.traffic).toMatchObject({
      driver: 'k6',
      sent: 30,
      droppedIterations: 0,
      thresholdsFailed: false,
      distorted: true,
    });
    expect(s.timeline.find((e) => e.type === 'traffic-start')?.message).toMatch(/\(driver k6\)$/);
    for (const f of ['k6-live.k6.js', 'k6-live.data.json', 'k6.ndjson', 'k6.log', 'requests.jsonl'])
      expect(existsSync(join(runDir, 'k6-live', f)), f).toBe(true);
    expect(readFileSync(join(runDir, 'k6-live/requests.jsonl'), 'utf8').trim().split('\n')).toHaveLength(30);
    expect(fake.calls().map((c) => c[0])).toEqual(['version', 'run']);
  }, 120_000);
});
