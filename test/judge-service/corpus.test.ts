import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCorpus } from '../../fixtures/judge-service/src/corpus.js';
import { isVerdict } from '../../fixtures/judge-service/src/verdicts.js';
import { PROBLEMS } from './helpers.js';

describe('problem corpus', () => {
  const problems = loadCorpus(PROBLEMS);

  it('has at least 12 problems, each with hidden tests', () => {
    expect(problems.size).toBeGreaterThanOrEqual(12);
    for (const p of problems.values()) expect(p.tests.length).toBeGreaterThanOrEqual(3);
  });

  it('labels every solution with a verdict and covers the five required ones per problem', () => {
    for (const id of problems.keys()) {
      const labels = readdirSync(join(PROBLEMS, id, 'solutions')).map((f) => f.replace(/(-\d+)?\.js$/, ''));
      for (const label of labels) expect(isVerdict(label), `${id}/${label}`).toBe(true);
      for (const needed of ['accepted', 'wrong-answer', 'time-limit', 'runtime-error', 'compilation-error']) {
        expect(labels, id).toContain(needed);
      }
    }
  });

  it('reports every bad problem file at once, naming the file', () => {
    expect(() => loadCorpus('/nonexistent/problems')).toThrow(/--problems/);
  });
});
