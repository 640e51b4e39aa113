import { describe, expect, it } from 'vitest';
import { parseScenario } from '../../sim/scenario/load.js';
import type { TrafficCount } from '../../sim/verdict/blast-radius.js';
import { judge } from '../../sim/verdict/judge.js';
import type { TimelineEvent } from '../../sim/vocabulary/timeline.js';
import { scenarioYaml } from '../helpers/scenario-text.js';

/** A promoted canary whose two versions failed alike (1 in 1,000 each), with the given service toggles. */
function promotedAlike(toggles: string) {
  const { scenario, problems } = parseScenario(
    scenarioYaml({
      service: `service: { stable: v1, candidate: v2, toggles: ${toggles} }`,
      faults: '',
      expect: 'expect:\n  outcome: promoted',
    }),
    'aa.yaml',
  );
  if (!scenario) throw new Error(problems.join('; '));
  const events: TimelineEvent[] = [
    { at: 1000, type: 'deploy', message: 'v2 deployed' },
    { at: 9000, type: 'promoted', message: '' },
  ];
  const counts: TrafficCount[] = [];
  for (let at = 1000; at < 9000; at += 1000)
    counts.push(
      { at, version: 'v1', requests: 900, failed: at === 3000 ? 1 : 0, slow: 0, wrongVerdicts: 0 },
      { at, version: 'v2', requests: 100, failed: 0, slow: 0, wrongVerdicts: 0 },
    );
  return judge({
    scenario,
    controller: { outcome: 'promoted', reason: 'all steps passed', measurements: [], warnings: [] },
    events,
    lost: [],
    faults: [],
    counts,
  });
}

describe('toggles both versions run alike are background, not the candidate fault', () => {
  it('an A/A rehearsal (the same errorRate toggle on stable and candidate) promoted is a correct promotion', () => {
    const j = promotedAlike('{ v1: { errorRate: 0.001 }, v2: { errorRate: 0.001 } }');
    expect(j.harm.verdict).toBe('not-worse');
    expect(j.classification).toBe('promoted');
    expect(j.passed).toBe(true);
  });

  it('a toggle only the candidate has (or with another value) is still its fault by construction: promoted is missed', () => {
    for (const toggles of [
      '{ v2: { errorRate: 0.001 } }',
      '{ v1: { errorRate: 0.001 }, v2: { errorRate: 0.002 } }',
    ]) {
      const j = promotedAlike(toggles);
      expect(j.harm.verdict, toggles).toBe('worse');
      expect(j.harm.by, toggles).toEqual(['fault']);
      expect(j.classification, toggles).toBe('missed');
    }
  });
});
