import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadScenarios, parseScenario } from '../../../sim/scenario/load.js';
import { exportK6 } from '../../../sim/traffic/k6/export.js';
import { paths } from '../../../sim/util/paths.js';
import { typecheckK6 } from './typecheck.js';

const tmp = mkdtempSync(join(tmpdir(), 'rehearsal-k6-script-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const rampYaml = `
name: ramp-fractional
seed: 5
traffic:
  profile: { type: ramp, from: 0.5, to: 12.25 }
  duration: 20s
  timeout: 4s
strategy:
  type: canary
  steps: [ { setWeight: 10 }, { analyze: 4s } ]
  analysis:
    checks:
      - { metric: error_rate, max: 0.02 }
      - { metric: latency_p99_ms, max: 800 }
      - { metric: latency_p99_ms, version: stable, max: 900 }
      - { metric: request_rate, min: 1, max: 50 }
expect: { outcome: promoted }
`;

function ramp() {
  const { scenario, problems } = parseScenario(rampYaml, 'ramp.yaml');
  expect(problems).toEqual([]);
  return { file: 'ramp.yaml', scenario: scenario! };
}

function optionsOf(script: string): Record<string, unknown> {
  const m = /export const options = (\{[\s\S]*?\n\});/.exec(script);
  expect(m, 'the script exports its options as a JSON literal').not.toBeNull();
  return JSON.parse(m![1]!) as Record<string, unknown>;
}

describe('generated k6 script', () => {
  it('type-checks against @types/k6 for every shipped scenario and for a fractional ramp', async () => {
    const all = loadScenarios([paths.scenarios], process.cwd());
    // Judge0 traffic is refused by the exporter (its own test below).
    const shipped = all.filter((l) => l.scenario.traffic.api !== 'judge0');
    expect(shipped.length).toBeGreaterThan(0);
    const scripts = [...shipped, ramp()].map((l) => exportK6(l, join(tmp, 'all')).script);
    const check = await typecheckK6(join(tmp, 'all'), scripts);
    expect(check.output).toBe('');
    expect(check.ok).toBe(true);
  });

  it('fails the type-check when a script has a type error (the check is not vacuous)', async () => {
    const dir = join(tmp, 'broken');
    const script = readFileSync(exportK6(ramp(), dir).script, 'utf8');
    const badCall = join(dir, 'bad-call.k6.js');
    const badOption = join(dir, 'bad-option.k6.js');
    writeFileSync(
      badCall,
      script.replace('const ended = Date.now();', 'const ended = Date.now(); http.get(42); res.statuss;'),
    );
    writeFileSync(
      badOption,
      script.replace('"executor": "ramping-arrival-rate"', '"executor": "ramping-arrival-rat"'),
    );
    const check = await typecheckK6(dir, [badCall, badOption]);
    expect(check.ok).toBe(false);
    expect(check.output).toMatch(/bad-call\.k6\.js.*TS2345/);
    expect(check.output).toMatch(/bad-call\.k6\.js.*statuss/);
    expect(check.output).toMatch(/bad-option\.k6\.js/);
  });

  it('maps a ramp with fractional rates to ramping-arrival-rate with whole rates per stretched time unit', () => {
    const options = optionsOf(readFileSync(exportK6(ramp(), join(tmp, 'ramp')).script, 'utf8')) as {
      scenarios: Record<string, { preAllocatedVUs: number; maxVUs: number }>;
    };
    expect(options.scenarios.rehearsal).toMatchObject({
      executor: 'ramping-arrival-rate',
      timeUnit: '100s',
      startRate: 50,
      stages: [{ target: 1225, duration: '20000ms' }],
      gracefulStop: '6000ms',
    });
    expect(options.scenarios.rehearsal!.preAllocatedVUs).toBeGreaterThanOrEqual(Math.ceil(12.25 * 2));
    expect(options.scenarios.rehearsal!.maxVUs).toBeGreaterThanOrEqual(Math.ceil(12.25 * 4));
  });

  it('maps the analysis checks to thresholds per serving version', () => {
    const options = optionsOf(readFileSync(exportK6(ramp(), join(tmp, 'thresholds')).script, 'utf8'));
    expect(options.thresholds).toEqual({
      'rehearsal_failed{version:v2}': ['rate<=0.02'],
      'rehearsal_latency{version:v2}': ['p(99)<=800'],
      'rehearsal_latency{version:v1}': ['p(99)<=900'],
      'rehearsal_requests{version:v2}': ['rate<=50', 'rate>=1'],
    });
  });

  it('gives a constant rate the constant-arrival-rate executor with VUs for the rate', () => {
    const healthy = loadScenarios([join(paths.scenarios, 'canary-healthy.yaml')], process.cwd())[0]!;
    const options = optionsOf(readFileSync(exportK6(healthy, join(tmp, 'constant')).script, 'utf8')) as {
      scenarios: { rehearsal: Record<string, unknown> };
    };
    expect(options.scenarios.rehearsal).toMatchObject({
      executor: 'constant-arrival-rate',
      rate: 40,
      timeUnit: '1s',
      duration: '30000ms',
      preAllocatedVUs: 80,
    });
  });

  it('sends the same requests and headers as the built-in driver, and tags the serving version', () => {
    const script = readFileSync(exportK6(ramp(), join(tmp, 'requests')).script, 'utf8');
    expect(script).toContain("'x-rehearsal-request-id': SEED + '-' + p.seq");
    expect(script).toContain("'x-user-id': p.user, 'x-user-segment': p.segment");
    expect(script).toContain("TARGET + '/submissions?wait=true'");
    expect(script).toContain('language_id: 63');
    expect(script).toContain("res.headers['X-Served-By']");
    expect(script).toContain('tags.version = version');
  });

  it('refuses judge0 traffic, naming the file and the driver to use instead', () => {
    const judge0 = loadScenarios(
      [join(paths.scenarios, 'canary-judge0-wrong-verdicts.yaml')],
      process.cwd(),
    )[0]!;
    expect(() => exportK6(judge0, join(tmp, 'judge0'))).toThrow(
      /canary-judge0-wrong-verdicts\.yaml: traffic\.api judge0 cannot be sent by k6: the k6 driver speaks the native API only/,
    );
  });
});
