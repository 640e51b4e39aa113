import { describe, expect, it } from 'vitest';
import {
  analysisInterval,
  compareReports,
  DEFAULT_ANALYSIS_INTERVAL_MS,
  defaultCountMargin,
  renderComparison,
  type Tolerances,
} from '../../sim/report/compare.js';
import type { RunReport } from '../../sim/vocabulary/report-model.js';
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

  it('lists added and removed scenarios, the removed one as worse', () => {
    const before = fixtureReport();
    const after = fixtureReport();
    after.scenarios[1]!.name = 'renamed';
    const kinds = compareReports(before, after).map((c) => `${c.kind}:${c.scenario}:${c.worse}`);
    expect(kinds).toEqual(['added:renamed:false', 'removed:canary-healthy:true']);
  });
});

describe('compareReports as a CI gate', () => {
  const spike = (r: RunReport) => r.scenarios[0]!;
  const worseKinds = (before: RunReport, after: RunReport, t: Tolerances = {}) =>
    compareReports(before, after, t)
      .filter((c) => c.worse)
      .map((c) => c.kind);

  it('tolerates detection one analysis interval later (4 s → 6 s at a 2 s interval), not more', () => {
    const before = fixtureReport();
    spike(before).observed.timeToDetectMs = 4000;
    const jitter = structuredClone(before);
    spike(jitter).observed.timeToDetectMs = 6000;
    expect(worseKinds(before, jitter)).toEqual([]);
    const later = structuredClone(before);
    spike(later).observed.timeToDetectMs = 6100;
    expect(worseKinds(before, later)).toEqual(['detection']);
  });

  it('takes the interval from report.json, else from the spacing of analysis rounds', () => {
    const r = fixtureReport();
    expect(analysisInterval(spike(r))).toBe(2000);
    spike(r).analysisIntervalMs = 5000;
    expect(analysisInterval(spike(r))).toBe(5000);
    spike(r).timeline = [];
    delete spike(r).analysisIntervalMs;
    expect(analysisInterval(spike(r))).toBe(DEFAULT_ANALYSIS_INTERVAL_MS);
    const before = fixtureReport();
    spike(before).analysisIntervalMs = 5000;
    const after = structuredClone(before);
    spike(after).observed.timeToRollbackMs! += 4500;
    expect(worseKinds(before, after)).toEqual([]);
  });

  it('applies --tolerance-time to detection and rollback alike', () => {
    const before = fixtureReport();
    const after = fixtureReport();
    spike(after).observed.timeToRollbackMs! += 1500;
    expect(worseKinds(before, after)).toEqual([]);
    expect(worseKinds(before, after, { timeMs: 1000 })).toEqual(['rollback']);
    expect(compareReports(before, after, { timeMs: 1000 })[0]!.message).toContain('1.0s tolerance');
  });

  it('counts failed requests as worse past max(2, 20%) or --tolerance-count', () => {
    const before = fixtureReport();
    spike(before).observed.failedRequests = 20;
    const noise = structuredClone(before);
    spike(noise).observed.failedRequests = 24;
    expect(worseKinds(before, noise)).toEqual([]);
    const more = structuredClone(before);
    spike(more).observed.failedRequests = 25;
    expect(worseKinds(before, more)).toEqual(['blast-radius']);
    expect(worseKinds(before, noise, { count: 3 })).toEqual(['blast-radius']);
    expect(defaultCountMargin(0)).toBe(2);
    expect(defaultCountMargin(20)).toBe(4);
  });

  it('does not call the budget worse when the failed requests behind it are within their margin', () => {
    const before = fixtureReport();
    const after = fixtureReport();
    spike(after).observed.failedRequests = spike(before).observed.failedRequests + 2;
    spike(after).budget!.burned = spike(before).budget!.burned! + 0.5;
    const changes = compareReports(before, after);
    expect(changes.map((c) => `${c.kind}:${c.worse}`)).toEqual(['blast-radius:false', 'budget:false']);
  });

  it('calls a scenario that disappeared worse', () => {
    const before = fixtureReport();
    const after = fixtureReport();
    after.scenarios.splice(1, 1);
    expect(compareReports(before, after)).toEqual([
      expect.objectContaining({ scenario: 'canary-healthy', kind: 'removed', worse: true }),
    ]);
  });

  it('calls a scenario that newly errors worse, also when it failed before', () => {
    const before = fixtureReport();
    const after = fixtureReport();
    after.scenarios[2]!.status = 'error';
    after.scenarios[2]!.reason = 'harness error: router did not start';
    expect(worseKinds(before, after)).toEqual(['new-error']);
    expect(worseKinds(after, structuredClone(after))).toEqual([]);
  });

  it('says the tolerances in its header', () => {
    const r = fixtureReport();
    expect(renderComparison(r, r, [])).toContain(
      'tolerances: times one analysis interval, request counts max(2, 20%)',
    );
    expect(renderComparison(r, r, [], { timeMs: 2000, count: 3 })).toContain('times 2.0s, request counts 3');
  });
});
