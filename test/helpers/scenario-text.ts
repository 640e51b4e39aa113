/** A valid scenario as YAML text, with optional replacements, for validation tests. */
export function scenarioYaml(overrides: Record<string, string> = {}): string {
  const parts: Record<string, string> = {
    name: 'name: t-scenario',
    seed: 'seed: 3',
    traffic: 'traffic:\n  profile: { type: constant, rate: 10 }\n  duration: 10s',
    strategy:
      'strategy:\n  type: canary\n  steps: [ { setWeight: 10 }, { analyze: 2s }, { setWeight: 50 } ]\n  analysis:\n    checks:\n      - { metric: error_rate, max: 0.01 }',
    faults: 'faults:\n  - { type: http-errors, target: candidate, rate: 0.05 }',
    expect: 'expect:\n  outcome: rolled-back',
    ...overrides,
  };
  return `${Object.values(parts).filter(Boolean).join('\n')}\n`;
}
