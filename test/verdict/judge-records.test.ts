import { describe, expect, it } from 'vitest';
import { baselinePool } from '../../sim/release/strategies/index.js';
import { parseScenario } from '../../sim/scenario/load.js';
import type { Scenario } from '../../sim/scenario/schema.js';
import { isFailed, isWrongVerdict, type RequestRecord, verdictVersion } from '../../sim/traffic/record.js';
import { Random } from '../../sim/util/random.js';
import { type JudgeInput, type Judgement, judge, phaseMarks } from '../../sim/verdict/judge.js';

// The verdict's types, named from what judge takes and gives (wherever their modules live).
type TimelineEvent = JudgeInput['events'][number];
type Outcome = JudgeInput['controller']['outcome'];
type PhaseMarks = ReturnType<typeof phaseMarks>;
type RollbackEffect = NonNullable<Judgement['rollback']>;
type BlastRadius = Judgement['blastRadius'];
type ReleasePhase = keyof BlastRadius['byPhase'];
type VersionImpact = BlastRadius['byVersion'][string];

// The per-request verdict path as it was before live records were judged through counts, kept here
// (and only here) so the one path can be held to it.
const old = (() => {
  const GRACE_MS = 1500;
  const empty = (): VersionImpact => ({ requests: 0, failed: 0, slow: 0, wrongVerdicts: 0 });
  function phaseOf(at: number, marks: PhaseMarks): ReleasePhase {
    if (marks.candidateDeployedAt === undefined || at < marks.candidateDeployedAt) return 'before-release';
    if (marks.promotedAt !== undefined && at >= marks.promotedAt) return 'after-promotion';
    if (marks.decisionAt === undefined || at < marks.decisionAt) return 'before-decision';
    if (marks.allOnStableAt === undefined || at < marks.allOnStableAt) return 'during-rollback';
    return 'after-rollback';
  }
  function blastRadius(records: RequestRecord[], slowMs: number, marks: PhaseMarks): BlastRadius {
    const byVersion: Record<string, VersionImpact> = {};
    const byPhase: BlastRadius['byPhase'] = {};
    for (const r of records) {
      const version = r.version ?? 'unknown';
      const phase = phaseOf(r.intendedAt, marks);
      byPhase[phase] ??= {};
      const perPhase = byPhase[phase];
      byVersion[version] ??= empty();
      perPhase[version] ??= empty();
      for (const impact of [byVersion[version], perPhase[version]]) {
        impact.requests++;
        if (isFailed(r)) impact.failed++;
        else if (r.latencyMs > slowMs) impact.slow++;
      }
      if (isWrongVerdict(r)) {
        const judge = verdictVersion(r) ?? version;
        byVersion[judge] ??= empty();
        perPhase[judge] ??= empty();
        byVersion[judge].wrongVerdicts++;
        perPhase[judge].wrongVerdicts++;
      }
    }
    return { byVersion, byPhase };
  }
  function rollbackEffect(
    records: RequestRecord[],
    stable: string,
    allOnStableAt: number,
    deployedAt: number | undefined,
  ): RollbackEffect | undefined {
    const after = records.filter((r) => r.intendedAt >= allOnStableAt + GRACE_MS);
    if (after.length === 0) return undefined;
    const before = records.filter(
      (r) => r.version === stable && (deployedAt === undefined || r.intendedAt < deployedAt),
    );
    const rate = (rs: RequestRecord[]) => (rs.length === 0 ? 0 : rs.filter(isFailed).length / rs.length);
    const failureRate = rate(after);
    const baselineRate = rate(before);
    const restored = failureRate <= Math.max(0.02, baselineRate * 2);
    const markers = [
      ...new Set(
        after.filter(isFailed).flatMap((r) => (r.fault ? r.fault.split(',').map((m) => m.trim()) : [])),
      ),
    ];
    const pct = (v: number) => `${(v * 100).toFixed(1)}%`;
    const detail = restored
      ? `after the rollback ${pct(failureRate)} of ${after.length} requests failed (before the release: ${pct(baselineRate)})`
      : `rollback did not restore service: ${pct(failureRate)} of ${after.length} requests still failed after all traffic was on ${stable} ` +
        `(before the release: ${pct(baselineRate)})${markers.length ? `, marked ${markers.join(', ')}` : ''}`;
    return { restored, failureRate, baselineRate, requests: after.length, detail };
  }
  return (scenario: Scenario, events: TimelineEvent[], outcome: Outcome, records: RequestRecord[]) => {
    const { stable, candidate } = scenario.service;
    const marks = phaseMarks(events, outcome);
    const deployedAt = marks.candidateDeployedAt;
    const released = records.filter((r) => deployedAt !== undefined && r.intendedAt >= deployedAt);
    const onCandidate = records.filter((r) => r.version === candidate);
    const baseline = baselinePool(scenario.strategy, stable);
    const blamed = (version: string | undefined) => version !== stable && version !== baseline;
    const rollback =
      marks.allOnStableAt !== undefined
        ? rollbackEffect(records, stable, marks.allOnStableAt, deployedAt)
        : undefined;
    return {
      blastRadius: blastRadius(records, scenario.traffic.slowMs, marks),
      failedRequests: released.filter((r) => isFailed(r) && blamed(r.version)).length,
      wrongVerdicts: released.filter((r) => isWrongVerdict(r) && blamed(verdictVersion(r))).length,
      ...(onCandidate.length
        ? { lastCandidateRequestMs: Math.max(...onCandidate.map((r) => r.intendedAt)) }
        : {}),
      stableFailures: records.filter(
        (r) =>
          r.version === stable && isFailed(r) && (deployedAt === undefined || r.intendedAt >= deployedAt),
      ).length,
      ...(rollback ? { rollback } : {}),
    };
  };
})();

const scenario = (service: string, strategy: string, expect: string) =>
  parseScenario(
    `name: x
traffic: { profile: { type: constant, rate: 10 }, duration: 20s }
service: ${service}
strategy: ${strategy}
expect: ${expect}
`,
    'x.yaml',
  ).scenario!;
const scenarios = [
  scenario('{}', '{ type: canary, steps: [{ setWeight: 50 }, { analyze: 4s }] }', '{ outcome: rolled-back }'),
  scenario(
    '{}',
    '{ type: canary, baseline: true, steps: [{ setWeight: 50 }, { analyze: 4s }] }',
    '{ outcome: promoted, maxFailedRequests: 3 }',
  ),
  // A stable version named like the blast radius's bucket for responses that named no version.
  scenario(
    '{ stable: unknown, candidate: v2 }',
    '{ type: canary, steps: [{ setWeight: 50 }] }',
    '{ outcome: rolled-back }',
  ),
];

/** Random records on a coarse grid (so several share an instant), sometimes out of order. */
function randomRecords(rng: Random, scenario: Scenario): RequestRecord[] {
  const { stable, candidate } = scenario.service;
  const versions = [stable, candidate, `${stable}-baseline`, undefined];
  const markers = [undefined, 'http-errors', 'latency, http-errors', 'reset,', ''];
  const records: RequestRecord[] = [];
  const n = rng.int(300);
  const shares = [0, 0.01, 0.3];
  // Early and late failure shares apart, so some rollbacks restore service and some do not.
  const early = shares[rng.int(3)]!;
  const late = shares[rng.int(3)]!;
  for (let seq = 0; seq < n; seq++) {
    const at = rng.int(100) * 200;
    const version = versions[rng.int(versions.length)];
    const status =
      rng.next() < (at < 10_000 ? early : late) ? [0, 500, 502][rng.int(3)]! : [200, 201, 404][rng.int(3)]!;
    const fault = markers[rng.int(markers.length)];
    const judgedBy = rng.next() < 0.2 ? versions[rng.int(versions.length)] : undefined;
    records.push({
      seq,
      kind: rng.next() < 0.7 ? 'submit' : 'poll',
      userId: `u${rng.int(5)}`,
      segment: 'public',
      intendedAt: at,
      sentAt: at,
      latencyMs: [5, 999, 1000, 1001, 4000][rng.int(5)]!,
      status,
      ...(version ? { version } : {}),
      ...(fault !== undefined ? { fault } : {}),
      ...(rng.next() < 0.8 ? { expected: 'accepted' as const } : {}),
      verdict: [null, 'accepted', 'wrong-answer', 'internal-error'][rng.int(4)] as RequestRecord['verdict'],
      ...(judgedBy ? { judgedBy } : {}),
    });
  }
  if (rng.next() < 0.7) records.sort((a, b) => a.intendedAt - b.intendedAt);
  return records;
}

/** A random release: maybe deployed, maybe rolled back (decision and all traffic on stable) or promoted. */
function randomRun(rng: Random): { events: TimelineEvent[]; outcome: Outcome } {
  const events: TimelineEvent[] = [];
  const at = () => rng.int(100) * 200 + (rng.next() < 0.3 ? 100 : 0);
  if (rng.next() < 0.9) events.push({ at: at(), type: 'deploy', message: 'v2 deployed' });
  const outcome = (['rolled-back', 'promoted', 'paused'] as const)[rng.int(3)]!;
  if (outcome === 'rolled-back') {
    const decision = at();
    events.push({ at: decision, type: 'decision', message: '' });
    if (rng.next() < 0.9)
      events.push({ at: decision + rng.int(3) * 1000, type: 'all-traffic-on-stable', message: '' });
  }
  if (outcome === 'promoted') events.push({ at: at(), type: 'promoted', message: '' });
  return { events, outcome };
}

describe('judge from records (through countsFromRecords)', () => {
  it('gives what the per-request path gave, for random record sets and releases', () => {
    const rng = new Random(14);
    let restored = 0;
    let notRestored = 0;
    let marked = 0;
    for (let i = 0; i < 600; i++) {
      const s = scenarios[i % scenarios.length]!;
      const records = randomRecords(rng, s);
      const { events, outcome } = randomRun(rng);
      const controller = { outcome, reason: 'r', measurements: [], warnings: [] };
      const j = judge({ scenario: s, controller, events, records, lost: [], faults: [] });
      const want = old(s, events, outcome, records);
      const got = {
        blastRadius: j.blastRadius,
        failedRequests: j.failedRequests,
        wrongVerdicts: j.wrongVerdicts,
        ...('lastCandidateRequestMs' in j ? { lastCandidateRequestMs: j.lastCandidateRequestMs } : {}),
        stableFailures: j.stableFailures,
        ...('rollback' in j ? { rollback: j.rollback } : {}),
      };
      // As JSON: the report writes these keys in the order they were first met.
      expect(JSON.stringify(got)).toBe(JSON.stringify(want));
      if (want.rollback?.restored) restored++;
      if (want.rollback?.restored === false) notRestored++;
      if (want.rollback?.detail.includes('marked')) marked++;
    }
    // The random runs reached the rule's every branch.
    expect(restored).toBeGreaterThan(30);
    expect(notRestored).toBeGreaterThan(20);
    expect(marked).toBeGreaterThan(10);
  });
});
