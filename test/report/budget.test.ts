import { describe, expect, it } from 'vitest';
import { DEFAULT_SLO, errorBudget, withBudget } from '../../sim/report/budget.js';
import { fixtureReport } from './helpers.js';

describe('errorBudget', () => {
  it('is failed requests over the failures the SLO allows', () => {
    expect(errorBudget(5, 10_000)).toEqual({
      slo: DEFAULT_SLO,
      totalRequests: 10_000,
      failedRequests: 5,
      allowedFailures: 10,
      burned: 0.5,
    });
    expect(errorBudget(30, 10_000, 0.99).burned).toBe(0.3);
  });

  it('is zero without failures and null when nothing was sent but something failed', () => {
    expect(errorBudget(0, 0).burned).toBe(0);
    expect(errorBudget(1, 0).burned).toBeNull();
  });

  it("counts every request of the rehearsal and the release's failed ones", () => {
    const s = fixtureReport().scenarios[0]!;
    const total = Object.values(s.blastRadius.byVersion).reduce((n, v) => n + v.requests, 0);
    const b = withBudget(s).budget!;
    expect(b.totalRequests).toBe(total);
    expect(b.failedRequests).toBe(s.observed.failedRequests);
    expect(b.burned).toBeCloseTo(s.observed.failedRequests / (total * 0.001), 3);
  });
});
