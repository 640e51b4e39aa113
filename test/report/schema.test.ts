import { describe, expect, it } from 'vitest';
import { fixtureReport, schemaErrors } from './helpers.js';

describe('schemas/report.schema.json', () => {
  it('accepts a real report', () => {
    expect(schemaErrors(fixtureReport())).toEqual([]);
  });

  it('accepts additional properties others add to a scenario', () => {
    const r = fixtureReport();
    Object.assign(r.scenarios[0]!, { monteCarlo: { runs: 100 } });
    Object.assign(r.scenarios[0]!.faults[0]!, { extra: 'kept' });
    expect(schemaErrors(r)).toEqual([]);
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
