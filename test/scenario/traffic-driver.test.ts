import { describe, expect, it } from 'vitest';
import { parseScenario } from '../../sim/scenario/load.js';
import { scenarioYaml } from '../helpers/scenario-text.js';

const withDriver = (line: string) =>
  scenarioYaml({ traffic: `traffic:\n  profile: { type: constant, rate: 10 }\n  duration: 10s${line}` });

describe('traffic.driver', () => {
  it('defaults to the built-in driver', () => {
    expect(parseScenario(withDriver(''), 'x.yaml').scenario?.traffic.driver).toBe('builtin');
  });

  it('accepts k6', () => {
    expect(parseScenario(withDriver('\n  driver: k6'), 'x.yaml').scenario?.traffic.driver).toBe('k6');
  });

  it('names the file, the path and the valid drivers for anything else', () => {
    expect(parseScenario(withDriver('\n  driver: wrk'), 'x.yaml').problems).toEqual([
      'x.yaml: traffic.driver must be one of "builtin", "k6", got "wrk"',
    ]);
  });
});
