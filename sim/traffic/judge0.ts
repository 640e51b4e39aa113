import type { ReturnedVerdict } from '../vocabulary/verdicts.js';

/**
 * Judge0 CE traffic (`traffic.api: judge0`): every corpus solution becomes a stdin/stdout program that any
 * Judge0-speaking service can judge, and every Judge0 answer is read back into the verdict names records use.
 */

/** JavaScript (Node.js) in Judge0 CE's language table. */
export const JUDGE0_JAVASCRIPT = 63;

/** What a program needs of a problem: its function's name, its time limit and its tests. */
export interface ProgramProblem {
  functionName: string;
  /** Of CPU time (`problem.json`'s `timeLimitMs`, default 1000 as the judge's). */
  timeLimitMs: number;
  tests: { input: unknown[]; output: unknown }[];
}

/** A labelled solution as a Judge0 program: what is submitted, and what its answer must say. */
export interface Judge0Program {
  source: string;
  stdin: string;
  expectedOutput: string;
  /** Seconds of CPU (Judge0's `cpu_time_limit`): the problem's time limit. */
  cpuTimeLimit: number;
}

/**
 * Wraps a solution (`solutionSource`, defining the problem's function) into a program: it reads every test's arguments,
 * a JSON array of argument lists, from stdin, calls the function once per test and prints each returned value
 * as one line of JSON. The expected output is the tests' outputs, one JSON line each, so the program's status is
 * the solution's label: Accepted when every returned value matches, Wrong Answer when one differs, Time Limit
 * Exceeded, Runtime Error (an uncaught error) or Compilation Error (the source does not parse). Input comes from
 * the `stdin` global where the judge offers one (the sample judge) and from file descriptor 0 otherwise
 * (`node script.js` under Judge0).
 */
export function toJudge0Program(solutionSource: string, problem: ProgramProblem): Judge0Program {
  const source = `${solutionSource}
;(function () {
  var rehearsalInput = typeof stdin === 'string' ? stdin : require('fs').readFileSync(0, 'utf8');
  var rehearsalCases = JSON.parse(rehearsalInput);
  for (var i = 0; i < rehearsalCases.length; i++) {
    console.log(JSON.stringify(${problem.functionName}.apply(null, rehearsalCases[i])));
  }
})();
`;
  return {
    source,
    stdin: `${JSON.stringify(problem.tests.map((t) => t.input))}\n`,
    expectedOutput: `${problem.tests.map((t) => JSON.stringify(t.output)).join('\n')}\n`,
    cpuTimeLimit: problem.timeLimitMs / 1000,
  };
}

/** The JSON body of `POST /submissions?base64_encoded=true` for a program. */
export function judge0Body(program: Judge0Program): string {
  return JSON.stringify({
    source_code: base64(program.source),
    language_id: JUDGE0_JAVASCRIPT,
    stdin: base64(program.stdin),
    expected_output: base64(program.expectedOutput),
    cpu_time_limit: program.cpuTimeLimit,
  });
}

/**
 * The query of every Judge0 call: base64 both ways, and every attribute (`*`), so that a service that also says
 * which version judged the submission (`judged_by`, the sample judge) is heard; Judge0 itself answers its own.
 */
export const judge0Query = 'base64_encoded=true&fields=*';

/** `POST /submissions` path: waiting for the verdict, or answering the token at once (then polled). */
export function judge0SubmitPath(wait: boolean): string {
  return `/submissions?${judge0Query}${wait ? '&wait=true' : ''}`;
}

/** `GET /submissions/:token` path. */
export function judge0TokenPath(token: string): string {
  return `/submissions/${encodeURIComponent(token)}?${judge0Query}`;
}

/**
 * The verdict a Judge0 status id stands for; null while the submission is queued (1) or processing (2).
 * 7-12 are Judge0's runtime errors (signals, NZEC, other); 13 Internal Error and 14 Exec Format Error are the
 * judge's fault; an id Judge0 does not define counts as `internal-error` (never expected, so a wrong verdict).
 */
export function verdictOfStatus(id: number): ReturnedVerdict | null {
  switch (id) {
    case 1:
    case 2:
      return null;
    case 3:
      return 'accepted';
    case 4:
      return 'wrong-answer';
    case 5:
      return 'time-limit';
    case 6:
      return 'compilation-error';
    case 7:
    case 8:
    case 9:
    case 10:
    case 11:
    case 12:
      return 'runtime-error';
    default:
      return 'internal-error';
  }
}

/** What the harness reads of a Judge0 answer. */
export interface Judge0Answer {
  token?: string;
  /** `status.id` (or `status_id`); undefined when the answer has neither. */
  statusId?: number;
  /** Ours, when the service says it: the version whose worker judged the submission. */
  judgedBy?: string;
}

/** Reads a Judge0 answer's JSON text; throws when it is not JSON or not an object. */
export function readJudge0Answer(text: string): Judge0Answer {
  const json = JSON.parse(text) as unknown;
  if (typeof json !== 'object' || json === null) throw new Error('answer is not a JSON object');
  const o = json as { token?: unknown; status?: { id?: unknown }; status_id?: unknown; judged_by?: unknown };
  const id = typeof o.status?.id === 'number' ? o.status.id : o.status_id;
  return {
    ...(typeof o.token === 'string' ? { token: o.token } : {}),
    ...(typeof id === 'number' ? { statusId: id } : {}),
    ...(typeof o.judged_by === 'string' ? { judgedBy: o.judged_by } : {}),
  };
}

function base64(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64');
}
