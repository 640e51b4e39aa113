import { describe, expect, it } from 'vitest';
import { compareReports, renderComparison } from '../../sim/report/compare.js';
import { fixtureReport } from './helpers.js';

describe('compareReports', () => {
  it('finds nothing worse between a run and itself', () => {
    expect(compareReports(fixtureReport(), fixtureReport())).toEqual([]);
  });

  it('reports new failures, a larger blast radius, slower detection and a missed rollback', () => {
    const before = fixtureReport();
    const after = fixtureReport();
    const spike = after.scenarios[0]!;
    spike.status = 'failure';
    spike.reason = 'maxFailedRequests: expected <= 12, got 20';
    spike.observed.failedRequests = 20;
    spike.observed.timeToDetectMs = spike.observed.timeToDetectMs! + 5000;
    delete spike.observed.timeToRollbackMs;
    spike.classification = 'missed';
    const worse = compareReports(before, after).filter((c) => c.worse);
    expect(worse.map((c) => c.kind)).toEqual([
      'new-failure',
      'classification',
      'blast-radius',
      'detection',
      'rollback',
    ]);
    expect(worse.every((c) => c.scenario === 'canary-error-spike')).toBe(true);
    const text = renderComparison(before, after, worse);
    expect(text).toContain('worse (5):');
    expect(text).toContain('canary-error-spike: now fails: maxFailedRequests: expected <= 12, got 20');
    expect(text).toMatch(/failed user requests on the release: \d+ → 20/);
    expect(text).toMatch(/time to roll back: \d+\.\ds → never/);
  });

  it('ignores detection jitter within the tolerance and counts improvements as not worse', () => {
    const before = fixtureReport();
    const after = fixtureReport();
    after.scenarios[0]!.observed.timeToDetectMs! += 400;
    after.scenarios[2]!.status = 'passed';
    const changes = compareReports(before, after);
    expect(changes).toHaveLength(1);
    expect(changes[0]).toMatchObject({ scenario: 'canary-error-spike-strict', kind: 'fixed', worse: false });
  });

  it('lists added and removed scenarios', () => {
    const before = fixtureReport();
    const after = fixtureReport();
    after.scenarios[1]!.name = 'renamed';
    const kinds = compareReports(before, after).map((c) => `${c.kind}:${c.scenario}`);
    expect(kinds).toEqual(['added:renamed', 'removed:canary-healthy']);
  });
});
