import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenarios, parseScenario } from '../../sim/scenario/load.js';
import { ScenarioError } from '../../sim/util/errors.js';
import { scenarioYaml } from '../helpers/scenario-text.js';
import { tempDir } from '../helpers/temp-dir.js';

const problems = (text: string) => parseScenario(text, 'scenarios/x.yaml').problems;

describe('scenario validation', () => {
  it('accepts a valid scenario and applies defaults, durations in ms', () => {
    const { scenario, problems: p } = parseScenario(scenarioYaml(), 'x.yaml');
    expect(p).toEqual([]);
    expect(scenario?.traffic.duration).toBe(10_000);
    expect(scenario?.service).toMatchObject({ replicas: 2, stable: 'v1', candidate: 'v2' });
    expect(scenario?.strategy.analysis.noData).toBe('inconclusive');
    expect(scenario?.faults[0]).toMatchObject({ type: 'http-errors', target: 'candidate', at: 0, share: 1 });
  });

  it('names file, path, the expected range and the value for a weight of 140', () => {
    const text = scenarioYaml({
      strategy:
        'strategy:\n  type: canary\n  steps: [ { setWeight: 10 }, { analyze: 2s }, { setWeight: 140 } ]',
    });
    expect(problems(text)).toEqual(['scenarios/x.yaml: strategy.steps[2].setWeight must be 0–100, got 140']);
  });

  it('reports an unknown field with its path', () => {
    expect(problems(scenarioYaml({ extra: 'colour: blue' }))).toEqual([
      expect.stringMatching(/^scenarios\/x\.yaml: colour: unknown field/),
    ]);
  });

  it('reports a wrong type', () => {
    expect(problems(scenarioYaml({ seed: 'seed: lots' }))).toEqual([
      'scenarios/x.yaml: seed must be a number, got "lots"',
    ]);
  });

  it("takes the error budget's objective from slo (default 99.9%) and refuses one outside (0, 1)", () => {
    expect(parseScenario(scenarioYaml(), 'x.yaml').scenario?.slo).toBe(0.999);
    expect(parseScenario(scenarioYaml({ extra: 'slo: 0.99' }), 'x.yaml').scenario?.slo).toBe(0.99);
    expect(problems(scenarioYaml({ extra: 'slo: 99.9' }))).toEqual([
      'scenarios/x.yaml: slo must be < 1, got 99.9',
    ]);
  });

  it('reports an unknown fault type listing the valid ones', () => {
    const [p] = problems(scenarioYaml({ faults: 'faults:\n  - { type: meteor-strike }' }));
    expect(p).toMatch(/^scenarios\/x\.yaml: faults\[0\]\.type must be one of "http-errors"/);
    expect(p).toContain('got "meteor-strike"');
  });

  it('reports every problem at once', () => {
    const text = scenarioYaml({
      seed: 'seed: -1',
      traffic: 'traffic:\n  profile: { type: constant, rate: 0 }\n  duration: soon',
      expect: 'expect:\n  outcome: celebrated',
    });
    const p = problems(text);
    expect(p.length).toBeGreaterThanOrEqual(4);
    expect(p.some((l) => l.includes('traffic.duration must be a duration'))).toBe(true);
    expect(p.some((l) => l.includes('expect.outcome must be one of'))).toBe(true);
    expect(p.some((l) => l.startsWith('scenarios/x.yaml: seed'))).toBe(true);
    expect(p.some((l) => l.startsWith('scenarios/x.yaml: traffic.profile.rate'))).toBe(true);
  });

  it('rejects a step with two actions and a fault on a version that does not exist', () => {
    const p = problems(
      scenarioYaml({
        strategy: 'strategy:\n  type: canary\n  steps: [ { setWeight: 10, pause: 2s } ]',
        faults: 'faults:\n  - { type: http-errors, target: v9, rate: 0.1 }',
      }),
    );
    expect(p).toContain(
      'scenarios/x.yaml: strategy.steps[0] must have exactly one of setWeight, pause, analyze, approve, mirror; got setWeight, pause',
    );
    expect(
      p.some((l) => l.startsWith('scenarios/x.yaml: faults[0].target must be candidate, stable, v1 or v2')),
    ).toBe(true);
  });

  it('reports YAML syntax errors with a line number', () => {
    expect(problems('name: [unclosed\n')[0]).toMatch(/^scenarios\/x\.yaml: YAML syntax error at line \d+/);
  });

  it('loads folders, and reports duplicate names across files in one error', () => {
    const dir = tempDir('rehearsal-load-');
    writeFileSync(join(dir, 'a.yaml'), scenarioYaml());
    writeFileSync(join(dir, 'b.yaml'), scenarioYaml());
    writeFileSync(join(dir, 'c.yaml'), scenarioYaml({ name: 'name: c', seed: 'seed: x' }));
    let error: unknown;
    try {
      loadScenarios([dir], dir);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ScenarioError);
    expect((error as ScenarioError).problems).toEqual([
      'b.yaml: name "t-scenario" is already used by a.yaml',
      'c.yaml: seed must be a number, got "x"',
    ]);
    expect((error as ScenarioError).exitCode).toBe(2);
  });

  it('validates every shipped scenario', () => {
    const loaded = loadScenarios([join(import.meta.dirname, '../../scenarios')], process.cwd());
    expect(loaded.length).toBeGreaterThanOrEqual(2);
  });
});
