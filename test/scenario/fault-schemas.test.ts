import { describe, expect, it } from 'vitest';
import { faultKinds, faultTypes } from '../../sim/faults/index.js';
import { parseScenario } from '../../sim/scenario/load.js';

const base = `
name: x
traffic: { profile: { type: constant, rate: 10 }, duration: 10s }
strategy: { type: canary, steps: [{ setWeight: 50 }, { analyze: 4s }] }
expect: { outcome: promoted }
`;
const withFaults = (faults: string) => parseScenario(`${base}faults:\n${faults}`, 'scenarios/x.yaml');

describe('fault schemas in scenario files', () => {
  it('accepts one of every kind with its defaults', () => {
    const minimal: Record<string, string> = {
      'http-errors': 'rate: 0.1',
      latency: 'ms: 100',
      'net-latency': 'ms: 50',
      reset: 'rate: 0.1',
      bandwidth: 'kbps: 64',
    };
    const yaml = faultTypes.map((t) => `  - { type: ${t}${minimal[t] ? `, ${minimal[t]}` : ''} }`).join('\n');
    const { scenario, problems } = withFaults(yaml);
    expect(problems).toEqual([]);
    expect(scenario!.faults.map((f) => f.type)).toEqual(faultTypes);
    expect(scenario!.faults.find((f) => f.type === 'capacity-loss')).toMatchObject({
      target: 'stable',
      share: 0.5,
    });
    expect(scenario!.faults.find((f) => f.type === 'stale-metrics')).toMatchObject({ delay: 10_000 });
  });

  it('names the file, the path and the valid kinds for an unknown kind', () => {
    const { problems } = withFaults('  - { type: explode }');
    expect(problems.join('\n')).toMatch(/scenarios\/x\.yaml: faults\[0\]/);
    expect(problems.join('\n')).toContain('wrong-verdicts');
  });

  it('reports every bad field at once', () => {
    const { problems } = withFaults(
      [
        '  - { type: latency, ms: 100, mode: sideways }',
        '  - { type: wrong-verdicts, rate: 2 }',
        '  - { type: partition, at: soon }',
      ].join('\n'),
    );
    expect(problems).toHaveLength(3);
    expect(problems.join('\n')).toMatch(/faults\[0\]\.mode/);
    expect(problems.join('\n')).toMatch(/faults\[1\]\.rate/);
    expect(problems.join('\n')).toMatch(/faults\[2\]\.at/);
  });

  it('crash-on-start acts on the candidate only', () => {
    const { problems } = withFaults('  - { type: crash-on-start, target: stable }');
    expect(problems.join('\n')).toMatch(/faults\[0\]\.target.*candidate only/);
  });

  it('every kind has a layer and a one-line summary for `rehearse list`', () => {
    for (const [name, k] of Object.entries(faultKinds)) {
      expect(['service', 'instance', 'network', 'store', 'monitoring'], name).toContain(k.layer);
      expect(k.summary.length, name).toBeGreaterThan(10);
    }
  });
});
