import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenarios } from '../../../sim/scenario/load.js';
import { buildK6Data, dataFormat } from '../../../sim/traffic/k6/data-file.js';
import { planFor } from '../../../sim/traffic/k6/export.js';
import { paths } from '../../../sim/util/paths.js';

const loaded = loadScenarios([join(paths.scenarios, 'canary-error-spike.yaml')], process.cwd())[0]!;

describe('buildK6Data', () => {
  const plan = planFor(loaded);
  const data = buildK6Data('canary-error-spike', 42, plan);

  it('is the same for the same seed, and different for another', () => {
    expect(JSON.stringify(buildK6Data('canary-error-spike', 42, planFor(loaded)))).toBe(JSON.stringify(data));
    const other = { ...loaded, scenario: { ...loaded.scenario, seed: 43 } };
    expect(buildK6Data('canary-error-spike', 43, planFor(other)).requests.map((r) => r.user)).not.toEqual(
      data.requests.map((r) => r.user),
    );
  });

  it('holds the whole plan in order, with each solution once', () => {
    expect(data.format).toBe(dataFormat);
    expect(data.requests.map((r) => [r.seq, r.kind, r.user, r.segment, r.pick])).toEqual(
      plan.map((p) => [p.seq, p.kind, p.user.id, p.user.segment, p.pick]),
    );
    data.requests.forEach((r, i) => {
      const s = plan[i]!.solution;
      if (!s) {
        expect(r.solution).toBe(-1);
        return;
      }
      expect(data.solutions[r.solution]).toEqual({
        problem_id: s.problemId,
        name: s.name,
        expected: s.expected,
        source_code: s.source,
      });
    });
    const keys = data.solutions.map((s) => `${s.problem_id}/${s.name}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('keeps the seeded verdict mix of submissions', () => {
    const submits = data.requests.filter((r) => r.kind === 'submit');
    const accepted =
      submits.filter((r) => data.solutions[r.solution]!.expected === 'accepted').length / submits.length;
    expect(accepted).toBeGreaterThan(0.55);
    expect(accepted).toBeLessThan(0.75);
  });
});
