import { describe, expect, it } from 'vitest';
import { loadCorpus } from '../../sim/traffic/corpus.js';
import { planTraffic } from '../../sim/traffic/schedule.js';
import { makeUsers } from '../../sim/traffic/users.js';
import { paths } from '../../sim/util/paths.js';
import { shipped } from '../simulate/helpers.js';

describe('the traffic plan', () => {
  const corpus = loadCorpus(paths.problems);
  const traffic = { ...shipped('scenarios/canary-healthy.yaml').traffic, duration: 200_000 };
  const users = makeUsers(traffic.users, 1);

  it('draws problems by popularity and changes nothing else of the plan', () => {
    const plain = planTraffic(traffic, 1, users, corpus);
    const popular = planTraffic({ ...traffic, problems: { 'two-sum': 5 } }, 1, users, corpus);
    const strip = (p: typeof plain) =>
      p.map((r) => [r.seq, r.at, r.kind, r.user.id, r.pick, r.solution?.expected]);
    expect(strip(popular)).toEqual(strip(plain));
    const share = (p: typeof plain) => {
      const subs = p.filter((r) => r.solution);
      return subs.filter((r) => r.solution!.problemId === 'two-sum').length / subs.length;
    };
    expect(share(plain)).toBeCloseTo(1 / 14, 1);
    // 5 / (5 + 13) of the submissions.
    expect(Math.abs(share(popular) - 5 / 18)).toBeLessThan(0.02);
  });
});
