import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ExitCode, messageOf, RehearsalError } from '../util/errors.js';
import { judge0Unexpressible } from '../vocabulary/traffic-apis.js';
import { type VerdictName, verdicts } from '../vocabulary/verdicts.js';
import { type Judge0Program, type ProgramProblem, toJudge0Program } from './judge0.js';

/** A solution from the corpus, with the verdict it must get. */
export interface CorpusSolution {
  problemId: string;
  name: string;
  expected: VerdictName;
  source: string;
  /**
   * The solution as a Judge0 stdin/stdout program (traffic.api: judge0); absent when its label cannot be told
   * by a Judge0 status (see judge0Unexpressible) or its problem has no readable problem.json.
   */
  program?: Judge0Program;
}

/** What the traffic needs of a problem's `problem.json`: enough to run its tests from a program. */
export interface CorpusProblem extends ProgramProblem {
  id: string;
}

/** The problem corpus, grouped by expected verdict. */
export interface Corpus {
  problems: string[];
  byVerdict: Map<VerdictName, CorpusSolution[]>;
  /** Each problem's `problem.json` (the ones that have one). */
  problemDefs: Map<string, CorpusProblem>;
}

/**
 * Reads `fixtures/problems/<id>/solutions/<verdict>[-n].js` into a corpus, with each solution's Judge0 program
 * made from `<id>/problem.json`.
 */
export function loadCorpus(dir: string): Corpus {
  const byVerdict = new Map<VerdictName, CorpusSolution[]>();
  const problemDefs = new Map<string, CorpusProblem>();
  let problems: string[];
  try {
    problems = readdirSync(dir, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => d.name)
      .sort();
  } catch (error) {
    throw new RehearsalError(
      `problem corpus not found at ${dir}`,
      'run from a checkout of the repository',
      ExitCode.rehearsalFailed,
      { cause: error },
    );
  }
  for (const problemId of problems) {
    let files: string[] = [];
    try {
      files = readdirSync(join(dir, problemId, 'solutions')).sort();
    } catch {
      continue;
    }
    const problem = readProblem(join(dir, problemId, 'problem.json'));
    if (problem) problemDefs.set(problemId, problem);
    for (const name of files) {
      const verdict = verdicts.find((v) => name === `${v}.js` || name.startsWith(`${v}-`));
      if (!verdict || !name.endsWith('.js')) continue;
      const list = byVerdict.get(verdict) ?? [];
      const solution: CorpusSolution = {
        problemId,
        name,
        expected: verdict,
        source: readFileSync(join(dir, problemId, 'solutions', name), 'utf8'),
      };
      if (problem && !judge0Unexpressible[verdict])
        solution.program = toJudge0Program(solution.source, problem);
      list.push(solution);
      byVerdict.set(verdict, list);
    }
  }
  if ((byVerdict.get('accepted') ?? []).length === 0) {
    throw new RehearsalError(
      `problem corpus at ${dir} has no accepted solutions`,
      'check fixtures/problems/*/solutions/accepted*.js',
    );
  }
  return { problems, byVerdict, problemDefs };
}

/** A problem's `problem.json` as the traffic needs it; undefined when there is none. Bad content is an error naming the field. */
export function readProblem(file: string): CorpusProblem | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  const fail = (what: string): never => {
    throw new RehearsalError(
      `${file}: ${what}`,
      'fix the problem file (see fixtures/judge-service/README.md, Problem corpus)',
    );
  };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return fail(`not JSON (${messageOf(error)})`);
  }
  const o = (json ?? {}) as Record<string, unknown>;
  if (typeof o.functionName !== 'string' || !/^[A-Za-z_$][\w$]*$/.test(o.functionName))
    fail(`functionName must be a JavaScript identifier, got ${JSON.stringify(o.functionName)}`);
  const limit = o.timeLimitMs ?? 1000;
  if (typeof limit !== 'number' || !(limit > 0))
    fail(`timeLimitMs must be a positive number, got ${JSON.stringify(limit)}`);
  if (!Array.isArray(o.tests) || o.tests.length === 0) fail('tests must be a non-empty array');
  const tests = (o.tests as unknown[]).map((t, i) => {
    const test = (t ?? {}) as { input?: unknown; output?: unknown };
    if (!Array.isArray(test.input)) fail(`tests.${i}.input must be an array of arguments`);
    if (!('output' in test)) fail(`tests.${i}.output is missing`);
    return { input: test.input as unknown[], output: test.output };
  });
  return {
    id: typeof o.id === 'string' ? o.id : '',
    functionName: o.functionName as string,
    timeLimitMs: limit as number,
    tests,
  };
}
