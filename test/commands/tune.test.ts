import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseScenario } from '../../sim/scenario/load.js';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp-dir.js';

describe('rehearse tune (real CLI, small budget, no live confirmation)', () => {
  const reports = tempDir('rehearsal-tune-');
  let result: Awaited<ReturnType<typeof runCli>>;
  let dir: string;

  beforeAll(async () => {
    result = await runCli([
      'tune',
      'scenarios/canary-error-spike.yaml',
      'scenarios/canary-healthy.yaml',
      '--candidates',
      '5',
      '--runs',
      '8',
      '--seed',
      '3',
      '--no-confirm',
      '--reports',
      reports,
    ]);
    dir = join(reports, readdirSync(reports)[0]!);
  }, 120_000);

  it('prints the Pareto table with search and fresh columns and the verdict', () => {
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/users hurt \(search\).*users hurt \(fresh\)/);
    expect(result.stdout).toMatch(/^shipped\s/m);
    expect(result.stdout).toMatch(/^(chosen|kept the shipped policy): /m);
    expect(result.stdout).toMatch(/stage 4\/4 \(fresh seeds\)/);
  });

  it('writes tune.json, tune.md, the patch and patched scenarios that validate', () => {
    const json = JSON.parse(readFileSync(join(dir, 'tune.json'), 'utf8'));
    expect(json.candidates).toBe(5);
    expect(json.seeds['canary-healthy']).toEqual({ search: [3, 11], fresh: [1_000_003, 1_000_011] });
    expect(json.finalists.some((f: { candidate: { id: string } }) => f.candidate.id === 'shipped')).toBe(
      true,
    );
    expect(json.finalists.map((f: { candidate: { id: string } }) => f.candidate.id)).toContain(json.chosen);
    expect(json.confirmation).toBeNull();
    expect(readFileSync(join(dir, 'tune.md'), 'utf8')).toMatch(/\| policy \| front \| users hurt \(search\)/);
    expect(readFileSync(join(dir, 'policy.patch.yaml'), 'utf8')).toMatch(/^strategy:\n {2}steps:/m);
    for (const name of ['canary-error-spike', 'canary-healthy']) {
      const file = join(dir, 'patched', `${name}.yaml`);
      const parsed = parseScenario(readFileSync(file, 'utf8'), file);
      expect(parsed.problems).toEqual([]);
      expect(parsed.scenario!.name).toBe(name);
    }
  });

  it('the same seed gives the same table', async () => {
    const again = await runCli([
      'tune',
      'scenarios/canary-error-spike.yaml',
      'scenarios/canary-healthy.yaml',
      '--candidates',
      '5',
      '--runs',
      '8',
      '--seed',
      '3',
      '--no-confirm',
      '--reports',
      reports,
    ]);
    const table = (s: string) => s.split('\n').filter((l) => /^(c\d+|shipped)\s/.test(l));
    expect(table(again.stdout)).toEqual(table(result.stdout));
    expect(table(result.stdout).length).toBeGreaterThan(0);
  }, 120_000);

  it('rejects bad input naming the file or flag and what was expected', async () => {
    const bad = await runCli(['tune', 'scenarios/canary-healthy.yaml', '--runs', 'lots', '--no-confirm']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--runs must be a whole number from 4 to 100,000, got lots/);
    const none = await runCli(['tune', '--no-confirm']);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/tune needs scenario files/);
    const other = await runCli(['tune', 'scenarios/blue-green-healthy.yaml', '--no-confirm']);
    expect(other.code).toBe(2);
    expect(other.stderr).toMatch(
      /blue-green-healthy.yaml: strategy.type must be canary to tune, got "blue-green"/,
    );
  }, 60_000);
});
