import { describe, expect, it } from 'vitest';
import { errorReport } from '../../sim/engine/scenario-report.js';
import { withBudget } from '../../sim/report/budget.js';
import { parseScenario } from '../../sim/scenario/load.js';
import { scenarioYaml } from '../helpers/scenario-text.js';
import { fixtureReport, schemaErrors, undocumented } from './helpers.js';

describe('schemas/report.schema.json', () => {
  it('accepts a real report', () => {
    expect(schemaErrors(fixtureReport())).toEqual([]);
  });

  it('describes every property of the fixture', () => {
    expect(undocumented(fixtureReport())).toEqual([]);
  });

  it('accepts additional properties others add to a scenario (and says they are undocumented)', () => {
    const r = fixtureReport();
    Object.assign(r.scenarios[0]!, { monteCarlo: { runs: 100 } });
    Object.assign(r.scenarios[0]!.faults[0]!, { extra: 'kept' });
    expect(schemaErrors(r)).toEqual([]);
    expect(undocumented(r)).toEqual(['.scenarios[0].faults[0].extra', '.scenarios[0].monteCarlo']);
  });

  it('rejects a report missing core fields, naming each', () => {
    const r = fixtureReport() as unknown as Record<string, unknown> & {
      scenarios: Record<string, unknown>[];
    };
    delete r.runId;
    delete r.scenarios[0]!.observed;
    r.scenarios[1]!.classification = 'lucky';
    const errors = schemaErrors(r);
    expect(errors).toContain("/ must have required property 'runId'");
    expect(errors).toContain("/scenarios/0 must have required property 'observed'");
    expect(errors.some((e) => e.startsWith('/scenarios/1/classification'))).toBe(true);
  });

  it('rejects a negative count and a non-ISO timestamp', () => {
    const r = fixtureReport();
    r.scenarios[0]!.observed.failedRequests = -1;
    r.startedAt = 'yesterday';
    const errors = schemaErrors(r);
    expect(errors.some((e) => e.startsWith('/scenarios/0/observed/failedRequests'))).toBe(true);
    expect(errors.some((e) => e.startsWith('/startedAt'))).toBe(true);
  });
});

describe('report.json of a harness error', () => {
  it('is valid against the schema too', () => {
    const { scenario } = parseScenario(scenarioYaml(), 't.yaml');
    const r = fixtureReport();
    r.scenarios = [
      withBudget(errorReport({ scenario: scenario!, file: 't.yaml' }, new Error('router did not start'), 12)),
    ];
    expect(schemaErrors(r)).toEqual([]);
  });
});
