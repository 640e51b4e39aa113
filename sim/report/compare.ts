import { secs } from './matrix.js';
import type { RunReport, ScenarioReport } from './model.js';

/** One difference between two runs of a scenario. */
export interface Change {
  scenario: string;
  kind:
    | 'new-failure'
    | 'fixed'
    | 'classification'
    | 'blast-radius'
    | 'detection'
    | 'rollback'
    | 'budget'
    | 'lost-submissions'
    | 'added'
    | 'removed'
    | 'interrupted';
  /** Whether this is a regression. */
  worse: boolean;
  message: string;
}

/** Detection and rollback times may grow this much (ms) before it counts: timing noise. */
export const TIME_TOLERANCE_MS = 1000;

function timeChange(
  name: string,
  kind: 'detection' | 'rollback',
  label: string,
  before: number | undefined,
  after: number | undefined,
): Change[] {
  if (before === undefined && after === undefined) return [];
  if (after === undefined)
    return [{ scenario: name, kind, worse: true, message: `${label}: ${secs(before)} → never` }];
  if (before === undefined)
    return [{ scenario: name, kind, worse: false, message: `${label}: never → ${secs(after)}` }];
  if (Math.abs(after - before) <= TIME_TOLERANCE_MS) return [];
  return [
    { scenario: name, kind, worse: after > before, message: `${label}: ${secs(before)} → ${secs(after)}` },
  ];
}

function countChange(
  name: string,
  kind: Change['kind'],
  label: string,
  before: number,
  after: number,
): Change[] {
  return after === before
    ? []
    : [{ scenario: name, kind, worse: after > before, message: `${label}: ${before} → ${after}` }];
}

/** What changed in one scenario between two runs. */
export function compareScenario(a: ScenarioReport, b: ScenarioReport): Change[] {
  const n = b.name;
  // Partial figures compare with nothing: a run cut short cannot vouch for the scenario, and one that was is no baseline.
  if (b.status === 'interrupted')
    return [
      { scenario: n, kind: 'interrupted', worse: true, message: `not finished in the new run: ${b.reason}` },
    ];
  if (a.status === 'interrupted')
    return [
      {
        scenario: n,
        kind: 'interrupted',
        worse: b.status !== 'passed',
        message: `not finished in the old run (${a.reason}); now ${b.status}${b.status === 'passed' ? '' : `: ${b.reason}`}`,
      },
    ];
  const changes: Change[] = [];
  if (a.status === 'passed' && b.status !== 'passed')
    changes.push({
      scenario: n,
      kind: 'new-failure',
      worse: true,
      message: `now ${b.status === 'error' ? 'a harness error' : 'fails'}: ${b.reason}`,
    });
  if (a.status !== 'passed' && b.status === 'passed')
    changes.push({
      scenario: n,
      kind: 'fixed',
      worse: false,
      message: `now passes (was ${a.status}: ${a.reason})`,
    });
  if (a.classification !== b.classification) {
    const good = (c: string) => c === 'caught' || c === 'promoted';
    changes.push({
      scenario: n,
      kind: 'classification',
      worse: good(a.classification) && !good(b.classification),
      message: `classification: ${a.classification} → ${b.classification}`,
    });
  }
  changes.push(
    ...countChange(
      n,
      'blast-radius',
      'failed user requests on the release',
      a.observed.failedRequests,
      b.observed.failedRequests,
    ),
  );
  changes.push(
    ...countChange(
      n,
      'blast-radius',
      'wrong verdicts on the release',
      a.observed.wrongVerdicts,
      b.observed.wrongVerdicts,
    ),
  );
  changes.push(
    ...countChange(
      n,
      'lost-submissions',
      'lost submissions',
      a.observed.lostSubmissions,
      b.observed.lostSubmissions,
    ),
  );
  const slow = (s: ScenarioReport) =>
    Object.entries(s.blastRadius.byVersion)
      .filter(([v]) => v !== s.versions.stable)
      .reduce((sum, [, i]) => sum + i.slow, 0);
  changes.push(...countChange(n, 'blast-radius', 'slow user requests on the release', slow(a), slow(b)));
  changes.push(
    ...timeChange(n, 'detection', 'time to detect', a.observed.timeToDetectMs, b.observed.timeToDetectMs),
  );
  changes.push(
    ...timeChange(
      n,
      'rollback',
      'time to roll back',
      a.observed.timeToRollbackMs,
      b.observed.timeToRollbackMs,
    ),
  );
  const ab = a.budget?.burned;
  const bb = b.budget?.burned;
  if (typeof ab === 'number' && typeof bb === 'number' && Math.abs(bb - ab) >= 0.01) {
    changes.push({
      scenario: n,
      kind: 'budget',
      worse: bb > ab,
      message: `error budget burned: ${(ab * 100).toFixed(1)}% → ${(bb * 100).toFixed(1)}%`,
    });
  }
  return changes;
}

/** Every change from `before` to `after`, scenario by scenario (matched by name). */
export function compareReports(before: RunReport, after: RunReport): Change[] {
  const old = new Map(before.scenarios.map((s) => [s.name, s]));
  const changes: Change[] = [];
  for (const s of after.scenarios) {
    const a = old.get(s.name);
    if (a) changes.push(...compareScenario(a, s));
    else
      changes.push({
        scenario: s.name,
        kind: 'added',
        worse: s.status !== 'passed',
        message: `new scenario: ${s.status}${s.status === 'passed' ? '' : ` (${s.reason})`}`,
      });
  }
  const now = new Set(after.scenarios.map((s) => s.name));
  for (const s of before.scenarios)
    if (!now.has(s.name))
      changes.push({ scenario: s.name, kind: 'removed', worse: false, message: 'no longer rehearsed' });
  return changes;
}

/** The comparison as text: regressions first, then improvements. */
export function renderComparison(before: RunReport, after: RunReport, changes: Change[]): string {
  const worse = changes.filter((c) => c.worse);
  const other = changes.filter((c) => !c.worse);
  const lines = [`comparing ${before.runId} → ${after.runId}`];
  lines.push(worse.length ? `\nworse (${worse.length}):` : '\nnothing got worse');
  for (const c of worse) lines.push(`  ${c.scenario}: ${c.message}`);
  if (other.length) lines.push(`\nbetter or changed (${other.length}):`);
  for (const c of other) lines.push(`  ${c.scenario}: ${c.message}`);
  return lines.join('\n');
}
