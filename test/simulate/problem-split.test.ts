import { describe, expect, it } from 'vitest';
import { Queries } from '../../sim/monitor/queries.js';
import { MetricStore } from '../../sim/monitor/store.js';
import { defaultModel } from '../../sim/simulate/model.js';
import { problemMix, shippedProblemMix } from '../../sim/simulate/problem-mix.js';
import { SimulatedService } from '../../sim/simulate/simulated-service.js';
import type { Corpus } from '../../sim/traffic/corpus.js';
import { Random } from '../../sim/util/random.js';
import { blastRadius } from '../../sim/verdict/blast-radius.js';
import { shipped } from './helpers.js';

const traffic = {
  ...shipped('scenarios/canary-healthy.yaml').traffic,
  duration: 120_000,
  profile: { type: 'constant' as const, rate: 100 },
};

function run(split: boolean, effect?: Parameters<SimulatedService['addEffect']>[1]) {
  const service = new SimulatedService(
    defaultModel,
    traffic,
    new Random(9),
    1000,
    split ? shippedProblemMix(traffic) : undefined,
  );
  const store = new MetricStore();
  service.setInstances('v1', 2);
  service.setInstances('v2', 2);
  service.setRoute({ v1: 50, v2: 50 }, { v1: 2, v2: 2 });
  if (effect) service.addEffect('v2', effect);
  for (let t = 2000; t <= traffic.duration; t += 2000) {
    service.advanceTo(t);
    store.add(t, service.samples());
  }
  return { service, queries: new Queries(store) };
}

describe('problem popularity', () => {
  it('follows the live plan: a verdict by the mix, then its solutions by their problem’s popularity', () => {
    const sol = (problemId: string, expected: 'accepted' | 'wrong-answer') => ({
      problemId,
      expected,
      name: `${expected}.js`,
      source: '',
    });
    const corpus: Corpus = {
      problems: ['a', 'b'],
      byVerdict: new Map([
        ['accepted', [sol('a', 'accepted'), sol('b', 'accepted')]],
        ['wrong-answer', [sol('a', 'wrong-answer')]],
      ]),
      problemDefs: new Map(),
    };
    const mix = problemMix(corpus, { verdicts: { accepted: 0.5, 'wrong-answer': 0.5 }, problems: { b: 3 } });
    // a: 0.5·1/4 accepted + 0.5 wrong answer; b: 0.5·3/4 accepted.
    expect(mix).toEqual([
      { problem: 'a', share: 0.625, accepted: 0.2 },
      { problem: 'b', share: 0.375, accepted: 1 },
    ]);
    const uniform = shippedProblemMix({ ...traffic, verdicts: undefined });
    expect(uniform).toHaveLength(14);
    for (const p of uniform) expect(p.share).toBeCloseTo(1 / 14, 12);
  });
});

describe('the simulated per-problem split', () => {
  it('changes no aggregate number: the split has its own random stream', () => {
    const plain = run(false);
    const split = run(true);
    expect(split.service.truth).toEqual(plain.service.truth);
    for (const v of ['v1', 'v2'])
      expect(split.queries.acceptanceRate(v, 0, traffic.duration)).toEqual(
        plain.queries.acceptanceRate(v, 0, traffic.duration),
      );
    const byProblem = split.queries.rejectedVerdictCountsByProblem('v2', 0, traffic.duration);
    expect(byProblem.size).toBe(14);
    const total = [...byProblem.values()].reduce((s, c) => s + c.requests, 0);
    expect(total).toBe(split.queries.rejectedVerdictCounts('v2', 0, traffic.duration)!.requests);
  });

  it('flips only the chosen problems’ verdicts, counted as wrong verdicts and marked', () => {
    const { service, queries } = run(true, {
      wrongVerdictRate: 1,
      problems: ['two-sum'],
      marker: 'wrong-verdict',
    });
    const v2 = queries.rejectedVerdictCountsByProblem('v2', 0, traffic.duration);
    const v1 = queries.rejectedVerdictCountsByProblem('v1', 0, traffic.duration);
    const share = (c: { errors: number; requests: number } | undefined) => c!.errors / c!.requests;
    // Default mix: 35% rejected; flipped, 65%.
    expect(share(v2.get('two-sum'))).toBeGreaterThan(0.55);
    expect(share(v1.get('two-sum'))).toBeLessThan(0.45);
    expect(Math.abs(share(v2.get('binary-search')) - share(v1.get('binary-search')))).toBeLessThan(0.1);
    const wrong = service.truth.filter((c) => c.version === 'v2').reduce((s, c) => s + c.wrongVerdicts, 0);
    expect(wrong).toBe(v2.get('two-sum')!.requests);
    const byProblem = blastRadius(service.truth, {}).wrongVerdictsByProblem;
    expect(byProblem).toEqual({ v2: { 'two-sum': wrong } });
    expect(service.marked('v2', 'wrong-verdict')).toBe(wrong);
  });
});
