import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Judge, setToggles, solution, startJudge, until } from '../helpers.js';
import { isFinal, Judge0Client, type Judge0Submission } from './judge0-client.js';

// Sums the two numbers on the first line: the stdin/stdout form of a corpus-style problem.
const SUM = `const [a, b] = readline().split(' ').map(Number);\nconsole.log(a + b);`;
const js = (source_code: string, extra: Partial<Judge0Submission> = {}): Judge0Submission => ({
  source_code,
  language_id: 63,
  ...extra,
});

describe('Judge0 CE API, driven by a Judge0 client', () => {
  let j: Judge;
  let client: Judge0Client;
  beforeAll(async () => {
    j = await startJudge({ args: ['--version', 'v9'] });
    client = new Judge0Client(j.url);
  });
  afterAll(async () => {
    expect(await j.stop()).toBe(0);
  });

  it('answers the information calls: languages, a language, statuses, about, config_info, system_info, workers', async () => {
    const languages = await client.languages();
    expect(languages.body.map((l) => l.id)).toEqual([63]);
    const one = await client.language(63);
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject({
      id: 63,
      is_archived: false,
      source_file: 'script.js',
      compile_cmd: null,
    });
    const missing = await client.language(71);
    expect(missing.status).toBe(404);
    expect(missing.body.error).toMatch(/language with id 71/);
    const statuses = (await client.statuses()).body;
    expect(statuses.map((s) => s.id).slice(0, 14)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14]);
    expect(statuses).toContainEqual({ id: 8, description: 'Runtime Error (SIGXFSZ)' });
    expect(statuses).toContainEqual({ id: 14, description: 'Exec Format Error' });
    expect((await client.about()).body).toMatchObject({ version: 'v9' });
    const config = (await client.configInfo()).body;
    expect(config).toMatchObject({
      enable_wait_result: true,
      enable_batched_submissions: true,
      max_submission_batch_size: 20,
      cpu_time_limit: 1,
    });
    const system = (await client.systemInfo()).body;
    expect(Number(system['CPU(s)'])).toBeGreaterThan(0);
    let workers = await client.workers();
    await until(async () => {
      workers = await client.workers();
      return workers.status === 200;
    });
    expect(workers.body).toEqual([
      expect.objectContaining({ queue: 'default', total: 2, available: 2, paused: 0 }),
    ]);
  });

  it('runs a stdin/stdout program with wait=true: stdout, status, exit code', async () => {
    const { status, body } = await client.createSubmission(
      js(SUM, { stdin: '2 3\n', expected_output: '5' }),
      { wait: true },
    );
    expect(status).toBe(201);
    // Judge0's default attributes, exactly.
    expect(Object.keys(body).sort()).toEqual(
      ['compile_output', 'memory', 'message', 'status', 'stderr', 'stdout', 'time', 'token'].sort(),
    );
    expect(body).toMatchObject({
      status: { id: 3, description: 'Accepted' },
      stdout: '5\n',
      stderr: null,
      compile_output: null,
      message: null,
    });
    expect(Number(body.time)).toBeGreaterThanOrEqual(0);
  });

  it('creates without wait (a token only) and the client polls the token to the result', async () => {
    const created = await client.createSubmission(js(SUM, { stdin: '40 2', expected_output: '42\n' }));
    expect(created.status).toBe(201);
    expect(Object.keys(created.body)).toEqual(['token']);
    const result = await client.waitForResult(created.body.token as string);
    expect(isFinal(result.status)).toBe(true);
    expect(result).toMatchObject({ token: created.body.token, status: { id: 3 }, stdout: '42\n' });
  });

  it.each([
    ['a wrong output', 4, js(SUM, { stdin: '2 2', expected_output: '5' }), { stdout: '4\n' }],
    [
      'trailing spaces and blank lines (Judge0 ignores them)',
      3,
      js('print("a  "); print(""); print("")', { expected_output: 'a' }),
      {},
    ],
    ['no expected output: any clean run', 3, js('print(stdin.length)', { stdin: 'abc' }), { stdout: '3\n' }],
    [
      'a syntax error',
      6,
      js('let = ;', { expected_output: '1' }),
      { compile_output: expect.stringMatching(/^SyntaxError/), stdout: null },
    ],
    [
      'an uncaught error',
      11,
      js('print("before"); null.x', {}),
      { stdout: 'before\n', stderr: expect.stringMatching(/TypeError/), exit_code: 1 },
    ],
    [
      'stderr kept apart',
      3,
      js('console.error("oops"); console.log("ok")', { expected_output: 'ok' }),
      { stdout: 'ok\n', stderr: 'oops\n' },
    ],
    ['an infinite loop', 5, js('for (;;) {}', { cpu_time_limit: 0.2 }), { message: 'Time limit exceeded' }],
    [
      'output past the limit',
      8,
      js('for (;;) print("x".repeat(1000))', {}),
      { message: 'output limit exceeded' },
    ],
  ])('reports %s with status %i', async (_what, statusId, sub, expected) => {
    const { status, body } = await client.createSubmission(sub, {
      wait: true,
      fields: ['status', 'stdout', 'stderr', 'compile_output', 'message', 'exit_code'],
    });
    expect(status).toBe(201);
    expect(body).toMatchObject({ status: { id: statusId }, ...expected });
    if (statusId === 8) expect((body.stdout as string).length).toBeLessThanOrEqual(64 * 1024);
  });

  it('decodes base64_encoded=true input and encodes the output', async () => {
    const sub = js('print(readline().toUpperCase()); console.error("é")', {
      stdin: 'judge0 ✓',
      expected_output: 'JUDGE0 ✓',
    });
    const decoded = await client.createSubmission(sub, { wait: true, base64: true });
    expect(decoded.body).toMatchObject({ status: { id: 3 }, stdout: 'JUDGE0 ✓\n', stderr: 'é\n' });
    // On the wire, without the client's decoding: Base64 both ways.
    const raw = await client.getSubmission(decoded.body.token as string, { base64: false });
    expect(raw.body.stdout).toBe('JUDGE0 ✓\n');
    const wire = await client.call<Record<string, unknown>>('GET', `/submissions/${decoded.body.token}`, {
      query: { base64_encoded: 'true' },
    });
    expect(wire.body.stdout).toBe(Buffer.from('JUDGE0 ✓\n').toString('base64'));
    expect(wire.body.stderr).toBe(Buffer.from('é\n').toString('base64'));
  });

  it('selects fields (* for all) and refuses unknown ones as Judge0 does', async () => {
    const { body } = await client.createSubmission(js(SUM, { stdin: '1 1', expected_output: '2' }), {
      wait: true,
      fields: ['status_id', 'stdout'],
    });
    expect(body).toEqual({ status_id: 3, stdout: '2\n' });
    const token = (await client.createSubmission(js('print(1)'), { wait: true })).body.token as string;
    const all = (await client.getSubmission(token, { fields: ['*'] })).body;
    for (const name of [
      'token',
      'source_code',
      'language_id',
      'stdin',
      'expected_output',
      'stdout',
      'stderr',
      'compile_output',
      'message',
      'exit_code',
      'exit_signal',
      'status',
      'created_at',
      'finished_at',
      'time',
      'wall_time',
      'memory',
    ])
      expect(all, name).toHaveProperty(name);
    expect(all).toMatchObject({ source_code: 'print(1)', stdout: '1\n', exit_code: 0, language_id: 63 });
    const bad = await client.getSubmission(token, { fields: ['stdout', 'nope', 'either'] });
    expect(bad).toEqual({ status: 400, body: { error: 'invalid fields: [nope, either]' } });
  });

  it('creates and gets batches with Judge0 shapes: tokens or errors in order, null for an unknown token', async () => {
    const created = await client.createBatch(
      [
        js(SUM, { stdin: '1 2', expected_output: '3' }),
        { source_code: 'print(1)', language_id: 71 },
        js('print(readline())', { stdin: 'aGk=' }),
      ],
      { base64: false },
    );
    expect(created.status).toBe(201);
    expect(created.body[0]).toHaveProperty('token');
    expect(created.body[1]).toEqual({ language_id: ["language with id 71 doesn't exist"] });
    expect(created.body[2]).toHaveProperty('token');
    const tokens = [created.body[0]!.token as string, 'no-such-token', created.body[2]!.token as string];
    await until(async () => {
      const { body } = await client.getBatch(tokens, { fields: ['status'] });
      return body.submissions.every((s) => s === null || isFinal(s.status));
    });
    const got = await client.getBatch(tokens, { base64: true, fields: ['token', 'status', 'stdout'] });
    expect(got.status).toBe(200);
    expect(got.body.submissions).toEqual([
      { token: tokens[0], status: { id: 3, description: 'Accepted' }, stdout: '3\n' },
      null,
      { token: tokens[2], status: { id: 3, description: 'Accepted' }, stdout: 'aGk=\n' },
    ]);
    const b64 = await client.createBatch([js('print(readline())', { stdin: 'hi' })], { base64: true });
    expect(b64.status).toBe(201);
    const result = await client.waitForResult(b64.body[0]!.token as string);
    expect(result.stdout).toBe('hi\n');
  });

  it('answers bad batches as Judge0 does', async () => {
    const none = await client.createBatch([{ language_id: 63 } as Judge0Submission]);
    expect(none).toEqual({ status: 422, body: [{ source_code: ["can't be blank"] }] });
    const many = await client.createBatch(Array.from({ length: 21 }, () => js('print(1)')));
    expect(many.status).toBe(400);
    expect(many.body).toEqual({
      error: 'number of submissions in a batch should be less than or equal to 20',
    });
    const empty = await client.createBatch([]);
    expect(empty).toEqual({
      status: 400,
      body: { error: 'there should be at least one submission in a batch' },
    });
    const noTokens = await client.getBatch([]);
    expect(noTokens.status).toBe(400);
    const wrongMethod = await client.call<{ error: string }>('DELETE', '/submissions/batch');
    expect(wrongMethod).toEqual({
      status: 405,
      body: { error: 'DELETE not allowed on /submissions/batch; use POST, GET' },
    });
  });

  it('answers bad submissions with Judge0 error shapes', async () => {
    const cases: [unknown, number, unknown][] = [
      [{ source_code: 'print(1)' }, 422, { language_id: ["can't be blank"] }],
      [{ language_id: 63 }, 422, { source_code: ["can't be blank"] }],
      [
        { source_code: 'x', language_id: 150000 },
        422,
        { language_id: ["language with id 150000 doesn't exist"] },
      ],
      [
        { source_code: 'x', language_id: '63', cpu_time_limit: 60 },
        422,
        { cpu_time_limit: ['must be less than or equal to 10'] },
      ],
      [{ source_code: 'x', language_id: 63, stdin: 7 }, 422, { stdin: ['must be a string'] }],
      [
        { source_code: 'x', language_id: 63, compiler_options: '-O2' },
        422,
        { compiler_options: ['is not supported by this judge'] },
      ],
    ];
    for (const [body, status, answer] of cases) {
      const res = await client.call('POST', '/submissions', { body });
      expect(res, JSON.stringify(body)).toEqual({ status, body: answer });
    }
    const malformed = await client.call<{ error: string }>('POST', '/submissions', { body: '{oops' });
    expect(malformed.status).toBe(400);
    expect(malformed.body.error).toMatch(/malformed JSON/);
    const unknown = await client.getSubmission('no-such-token');
    expect(unknown.status).toBe(404);
    expect(unknown.body).toHaveProperty('error');
  });

  it('keeps problem_id submissions as they were, and decodes their base64 source', async () => {
    const source = Buffer.from(solution('two-sum', 'accepted.js')).toString('base64');
    const res = await client.call<Record<string, unknown>>('POST', '/submissions', {
      query: { wait: 'true', base64_encoded: 'true' },
      body: { problem_id: 'two-sum', source_code: source, user_id: 'b64' },
    });
    expect(res.status).toBe(201);
    expect(Object.keys(res.body)).toEqual([
      'token',
      'problem_id',
      'user_id',
      'language_id',
      'status',
      'verdict',
      'message',
      'time',
      'memory',
      'received_by',
      'judged_by',
      'created_at',
      'finished_at',
    ]);
    expect(res.body).toMatchObject({ verdict: 'accepted', status: { id: 3 }, problem_id: 'two-sum' });
    const picked = await client.getSubmission(res.body.token as string, {
      fields: ['verdict', 'stdout', 'source_code'],
    });
    expect(picked.body).toEqual({ verdict: 'accepted', stdout: null, source_code: null });
  });

  it('leaves the leaderboard to problem submissions', async () => {
    await client.createSubmission(js('print(1)', { user_id: 'program-only' }), { wait: true });
    const { entries } = (await (await fetch(`${j.url}/leaderboard`)).json()) as {
      entries: { user_id: string }[];
    };
    expect(entries.some((e) => e.user_id === 'program-only')).toBe(false);
  });

  it('judges a program shadow copy at once without storing it, and flips program verdicts under wrongVerdictRate', async () => {
    const res = await fetch(`${j.url}/submissions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-rehearsal-mirror': '1' },
      body: JSON.stringify(js(SUM, { stdin: '1 2', expected_output: '3' })),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      shadow: true,
      verdict: 'accepted',
      status: { id: 3 },
      stdout: '3\n',
    });
    expect((await setToggles(j, { wrongVerdictRate: 1 })).status).toBe(200);
    try {
      const flipped = await fetch(`${j.url}/submissions?wait=true&fields=status,verdict,stdout`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(js(SUM, { stdin: '1 2', expected_output: '3' })),
      });
      expect(flipped.headers.get('x-rehearsal-fault')).toBe('wrong-verdict');
      expect(await flipped.json()).toEqual({
        status: { id: 4, description: 'Wrong Answer' },
        verdict: 'wrong-answer',
        stdout: '3\n',
      });
    } finally {
      await setToggles(j, { wrongVerdictRate: null });
    }
  });
});
