import type { VerdictName } from '../../vocabulary/verdicts.js';
import type { RequestKind } from '../record.js';
import type { PlannedRequest } from '../schedule.js';

/** Marks the data file's layout, so a script never reads a file it does not understand. */
export const dataFormat = 'rehearsal-k6-data/1';

/** A solution the script submits, as the judge service's POST /submissions wants it. */
export interface K6Solution {
  problem_id: string;
  name: string;
  expected: VerdictName;
  source_code: string;
}

/** One planned request; `solution` indexes `solutions` (-1 when the request submits nothing). */
export interface K6Request {
  seq: number;
  /** Intended send time in the built-in plan, ms from the start of traffic. */
  at: number;
  kind: RequestKind;
  user: string;
  segment: string;
  solution: number;
  pick: number;
}

/** The data file beside the script: the seeded plan, in order, with each source once. */
export interface K6Data {
  format: typeof dataFormat;
  scenario: string;
  seed: number;
  solutions: K6Solution[];
  requests: K6Request[];
}

/** Turns the seeded plan into the data file's content; the same seed gives the same file. */
export function buildK6Data(scenario: string, seed: number, schedule: PlannedRequest[]): K6Data {
  const solutions: K6Solution[] = [];
  const index = new Map<string, number>();
  const requests = schedule.map((p): K6Request => {
    let solution = -1;
    if (p.solution) {
      const key = `${p.solution.problemId}/${p.solution.name}`;
      solution = index.get(key) ?? -1;
      if (solution < 0) {
        solution = solutions.length;
        index.set(key, solution);
        solutions.push({
          problem_id: p.solution.problemId,
          name: p.solution.name,
          expected: p.solution.expected,
          source_code: p.solution.source,
        });
      }
    }
    return {
      seq: p.seq,
      at: Math.round(p.at * 1000) / 1000,
      kind: p.kind,
      user: p.user.id,
      segment: p.user.segment,
      solution,
      pick: p.pick,
    };
  });
  return { format: dataFormat, scenario, seed, solutions, requests };
}
