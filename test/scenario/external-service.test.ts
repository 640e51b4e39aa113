import { describe, expect, it } from 'vitest';
import { parseScenario } from '../../sim/scenario/load.js';
import { scenarioYaml } from '../helpers/scenario-text.js';

const parse = (text: string) => parseScenario(text, 'scenarios/x.yaml');
const external = [
  'service:',
  '  kind: external',
  '  versions:',
  '    v1: { command: [node, judge.js, --port, "{port}"], readiness: /readyz }',
  '    v2: { image: "my-judge:2.0", port: 2358, metrics: /metrics, env: { MODE: fast } }',
].join('\n');

describe('service.kind external', () => {
  it('accepts a command for one version and an image for the other, with defaults', () => {
    const { scenario, problems } = parse(scenarioYaml({ service: external }));
    expect(problems).toEqual([]);
    expect(scenario?.service.kind).toBe('external');
    expect(scenario?.service.versions?.v1).toMatchObject({
      command: ['node', 'judge.js', '--port', '{port}'],
      port: 8080,
      liveness: '/healthz',
      readiness: '/readyz',
      startupTimeout: 30_000,
      env: {},
    });
    expect(scenario?.service.versions?.v2).toMatchObject({
      image: 'my-judge:2.0',
      port: 2358,
      metrics: '/metrics',
    });
  });

  it('defaults to the sample service', () => {
    expect(parse(scenarioYaml()).scenario?.service.kind).toBe('sample');
  });

  it('names the version that has no way to start', () => {
    const service =
      'service:\n  kind: external\n  versions:\n    v1: { image: "my-judge:1" }\n    v2: { port: 80 }';
    const { problems } = parse(scenarioYaml({ service }));
    expect(problems.join('\n')).toMatch(
      /service\.versions\.v2.*needs image \(docker, kind\) or command \(local\)/,
    );
    const none = parse(scenarioYaml({ service: 'service:\n  kind: external' })).problems.join('\n');
    expect(none).toMatch(/service\.versions\.v1.*service\.versions\.v1 with image or command/);
    expect(none).toMatch(/service\.versions\.v2/);
  });

  it('refuses versions on the sample service and toggles on an external one', () => {
    const onSample = parse(scenarioYaml({ service: 'service:\n  versions:\n    v1: { image: x }' })).problems;
    expect(onSample.join('\n')).toMatch(/versions describe an external service: set service\.kind: external/);
    const toggles = `${external}\n  toggles: { v2: { errorRate: 0.5 } }`;
    expect(parse(scenarioYaml({ service: toggles })).problems.join('\n')).toMatch(
      /service\.toggles.*external service has no toggles/,
    );
  });

  it('refuses service-only and store faults on an external service, with the reason', () => {
    for (const fault of [
      '{ type: memory-leak, target: candidate, mbPerSecond: 1 }',
      '{ type: crash-on-start, target: candidate }',
      '{ type: store-unavailable, target: candidate }',
    ]) {
      const { problems } = parse(scenarioYaml({ service: external, faults: `faults:\n  - ${fault}` }));
      expect(problems.join('\n')).toMatch(
        /faults\[0\]\.type.*needs the sample judge's fault toggles, which an external service does not have; the router can inject http-errors, latency, wrong-verdicts/,
      );
    }
  });

  it('accepts router-injectable, instance, network and monitoring faults on an external service', () => {
    const faults = [
      'faults:',
      '  - { type: http-errors, target: candidate, rate: 0.3 }',
      '  - { type: latency, target: candidate, ms: 200 }',
      '  - { type: latency, target: candidate, ms: 500, mode: tail, requests: 0.1 }',
      '  - { type: wrong-verdicts, target: candidate, rate: 0.5 }',
      '  - { type: kill, target: candidate }',
      '  - { type: net-latency, target: candidate, ms: 50 }',
      '  - { type: scrape-gap, target: candidate }',
    ].join('\n');
    expect(parse(scenarioYaml({ service: external, faults })).problems).toEqual([]);
  });

  it('refuses what the router cannot do for wrong-verdicts and latency, naming the field', () => {
    const problems = (fault: string) =>
      parse(scenarioYaml({ service: external, faults: `faults:\n  - ${fault}` })).problems.join('\n');
    expect(problems('{ type: wrong-verdicts, target: candidate, problems: [two-sum] }')).toMatch(
      /faults\[0\]\.problems.*must be left out for an external service: the router flips verdicts by submission token/,
    );
    expect(problems('{ type: latency, target: candidate, ms: 100, mode: tail, requests: 1 }')).toMatch(
      /faults\[0\]\.requests.*must be below 1 for an external service.*use mode: fixed/,
    );
    // The sample judge takes both.
    const sample = parse(
      scenarioYaml({
        faults: 'faults:\n  - { type: wrong-verdicts, target: candidate, problems: [two-sum] }',
      }),
    );
    expect(sample.problems).toEqual([]);
  });
});
