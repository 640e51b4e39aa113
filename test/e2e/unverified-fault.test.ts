import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunReport } from '../../sim/vocabulary/report-model.js';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp-dir.js';

// The latency fault is applied to v2 (its toggle reads back), but v2 takes no traffic before the fault
// is reverted: no user response shows it, so its effect is unverified and the rehearsal cannot pass.
const scenario = `name: unverified-latency
seed: 5
service: { replicas: 1 }
traffic: { profile: { type: constant, rate: 10 }, duration: 8s, settle: 1s }
strategy:
  type: canary
  steps: [ { pause: 3s } ]
  analysis: { checks: [ { metric: error_rate, max: 0.05 } ] }
faults:
  - { type: latency, target: candidate, ms: 50, at: 0s, duration: 1s }
expect: { outcome: promoted }
`;

describe('a fault whose effect cannot be verified (live)', () => {
  it('makes the scenario inconclusive with the reason, and the run fails', async () => {
    const dir = tempDir('rehearsal-unverified-');
    writeFileSync(join(dir, 'unverified.yaml'), scenario);
    const result = await runCli(['run', join(dir, 'unverified.yaml'), '--reports', join(dir, 'reports')]);
    expect(result.code, result.stdout + result.stderr).toBe(1);
    const [runId] = readdirSync(join(dir, 'reports'));
    const report = JSON.parse(readFileSync(join(dir, 'reports', runId!, 'report.json'), 'utf8')) as RunReport;
    const s = report.scenarios[0]!;
    expect(s.observed.outcome).toBe('promoted');
    expect(s.classification).toBe('inconclusive');
    expect(s.status).toBe('failure');
    expect(s.reason).toMatch(/fault not verified: latency .*no user response showed it/);
    expect(s.faults[0]).toMatchObject({
      type: 'latency',
      applied: true,
      verified: false,
      observedResponses: 0,
    });
  }, 90_000);
});
