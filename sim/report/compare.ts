import { pct, secs } from '../util/format.js';
import type { RunReport, ScenarioReport } from '../vocabulary/report-model.js';

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
    | 'new-error'
    | 'added'
    | 'removed'
    | 'interrupted';
  /** Whether this is a regression. */
  worse: boolean;
  message: string;
}

/** How much a figure may grow before it counts as worse; unset = the defaults below. */
export interface Tolerances {
  /** Detection and rollback times (ms); default: one analysis interval of the scenario (rounds land on its ticks). */
  timeMs?: number;
  /** Failed, wrong-verdict and slow user requests; default: max(2, 20% of the old count). */
  count?: number;
}

/** The analysis interval when a report says nothing about it: the schema's default. */
export const DEFAULT_ANALYSIS_INTERVAL_MS = 2000;

/** The count margin when none is given: max(2, 20% of the old count). */
export function defaultCountMargin(before: number): number {
  return Math.max(2, Math.ceil(before * 0.2));
}

/** A scenario's analysis interval: as recorded, else the median gap of its analysis rounds (older reports), else the default. */
export function analysisInterval(s: ScenarioReport): number {
  if (typeof s.analysisIntervalMs === 'number' && s.analysisIntervalMs > 0) return s.analysisIntervalMs;
  const at = s.timeline.filter((e) => e.type === 'analysis').map((e) => e.at);
  const gaps = at
    .slice(1)
    .map((t, i) => t - at[i]!)
    .sort((x, y) => x - y);
  const median = gaps[Math.floor(gaps.length / 2)];
  // Rounds land a few ms off their ticks, so the gap is rounded to 100 ms (the shortest interval allowed).
  const ticks = median === undefined ? 0 : Math.round(median / 100) * 100;
  return ticks > 0 ? ticks : DEFAULT_ANALYSIS_INTERVAL_MS;
}

function timeChange(
  name: string,
  kind: 'detection' | 'rollback',
  label: string,
  before: number | undefined,
  after: number | undefined,
  toleranceMs: number,
): Change[] {
  if (before === undefined && after === undefined) return [];
  if (after === undefined)
    return [{ scenario: name, kind, worse: true, message: `${label}: ${secs(before)} → never` }];
  if (before === undefined)
    return [{ scenario: name, kind, worse: false, message: `${label}: never → ${secs(after)}` }];
  if (Math.abs(after - before) <= toleranceMs) return [];
  const worse = after > before;
  const margin = worse ? ` (more than the ${secs(toleranceMs)} tolerance)` : '';
  return [{ scenario: name, kind, worse, message: `${label}: ${secs(before)} → ${secs(after)}${margin}` }];
}

function countChange(
  name: string,
  kind: Change['kind'],
  label: string,
  before: number,
  after: number,
  margin?: number,
): Change[] {
  if (after === before) return [];
  if (margin === undefined || after < before)
    return [{ scenario: name, kind, worse: after > before, message: `${label}: ${before} → ${after}` }];
  const worse = after - before > margin;
  const note = worse ? `more than the tolerance of ${margin}` : `within the tolerance of ${margin}`;
  return [{ scenario: name, kind, worse, message: `${label}: ${before} → ${after} (${note})` }];
}

/** What changed in one scenario between two runs, growth within `tolerances` not counting as worse. */
export function compareScenario(a: ScenarioReport, b: ScenarioReport, tolerances: Tolerances = {}): Change[] {
  const n = b.name;
  const timeMs = tolerances.timeMs ?? Math.max(analysisInterval(a), analysisInterval(b));
  const margin = (before: number) => tolerances.count ?? defaultCountMargin(before);
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
  else if (a.status !== 'error' && b.status === 'error')
    changes.push({
      scenario: n,
      kind: 'new-error',
      worse: true,
      message: `now a harness error (was ${a.status}): ${b.reason}`,
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
      margin(a.observed.failedRequests),
    ),
  );
  changes.push(
    ...countChange(
      n,
      'blast-radius',
      'wrong verdicts on the release',
      a.observed.wrongVerdicts,
      b.observed.wrongVerdicts,
      margin(a.observed.wrongVerdicts),
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
  changes.push(
    ...countChange(n, 'blast-radius', 'slow user requests on the release', slow(a), slow(b), margin(slow(a))),
  );
  changes.push(
    ...timeChange(
      n,
      'detection',
      'time to detect',
      a.observed.timeToDetectMs,
      b.observed.timeToDetectMs,
      timeMs,
    ),
  );
  changes.push(
    ...timeChange(
      n,
      'rollback',
      'time to roll back',
      a.observed.timeToRollbackMs,
      b.observed.timeToRollbackMs,
      timeMs,
    ),
  );
  const ab = a.budget?.burned;
  const bb = b.budget?.burned;
  if (typeof ab === 'number' && typeof bb === 'number' && Math.abs(bb - ab) >= 0.01) {
    // The budget is failed requests over a fixed allowance: it is only worse when they grew past their margin.
    const failedGrowth = b.observed.failedRequests - a.observed.failedRequests;
    changes.push({
      scenario: n,
      kind: 'budget',
      worse: bb > ab && failedGrowth > margin(a.observed.failedRequests),
      message: `error budget burned: ${pct(ab)} → ${pct(bb)}`,
    });
  }
  return changes;
}

/** Every change from `before` to `after`, scenario by scenario (matched by name); a scenario gone is worse. */
export function compareReports(before: RunReport, after: RunReport, tolerances: Tolerances = {}): Change[] {
  const old = new Map(before.scenarios.map((s) => [s.name, s]));
  const changes: Change[] = [];
  for (const s of after.scenarios) {
    const a = old.get(s.name);
    if (a) changes.push(...compareScenario(a, s, tolerances));
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
      changes.push({
        scenario: s.name,
        kind: 'removed',
        worse: true,
        message: 'missing from the new run: not rehearsed, so nothing vouches for it',
      });
  return changes;
}

/** The comparison as text: regressions first, then improvements. */
export function renderComparison(
  before: RunReport,
  after: RunReport,
  changes: Change[],
  tolerances: Tolerances = {},
): string {
  const worse = changes.filter((c) => c.worse);
  const other = changes.filter((c) => !c.worse);
  const time = tolerances.timeMs === undefined ? 'one analysis interval' : secs(tolerances.timeMs);
  const count = tolerances.count === undefined ? 'max(2, 20%)' : String(tolerances.count);
  const lines = [
    `comparing ${before.runId} → ${after.runId} (tolerances: times ${time}, request counts ${count})`,
  ];
  lines.push(worse.length ? `\nworse (${worse.length}):` : '\nnothing got worse');
  for (const c of worse) lines.push(`  ${c.scenario}: ${c.message}`);
  if (other.length) lines.push(`\nbetter or changed (${other.length}):`);
  for (const c of other) lines.push(`  ${c.scenario}: ${c.message}`);
  return lines.join('\n');
}
