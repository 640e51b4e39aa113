import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Judge, sample, solution, startJudge, submit } from '../helpers.js';

describe('judge service HTTP API', () => {
  let j: Judge;
  beforeAll(async () => {
    j = await startJudge({ args: ['--version', 'v7'] });
  });
  afterAll(async () => {
    expect(await j.stop()).toBe(0);
  });

  it('lists languages, Judge0 statuses and problems without their tests', async () => {
    const langs = (await (await fetch(`${j.url}/languages`)).json()) as { id: number }[];
    expect(langs.map((l) => l.id)).toEqual([63]);
    const statuses = (await (await fetch(`${j.url}/statuses`)).json()) as {
      id: number;
      description: string;
    }[];
    expect(statuses).toContainEqual({ id: 5, description: 'Time Limit Exceeded' });
    const res = await fetch(`${j.url}/problems`);
    expect(res.headers.get('x-judge-version')).toBe('v7');
    const problems = (await res.json()) as Record<string, unknown>[];
    expect(problems.length).toBeGreaterThanOrEqual(12);
    expect(JSON.stringify(problems)).not.toContain('"tests"');
  });

  it('acknowledges with a token at once and judges in the background', async () => {
    const { status, body } = await submit(
      j,
      { problem_id: 'two-sum', source_code: solution('two-sum', 'accepted.js') },
      false,
    );
    expect(status).toBe(201);
    expect(Object.keys(body)).toEqual(['token']);
    let sub: Record<string, unknown> = {};
    for (let i = 0; i < 100 && !sub.verdict; i++) {
      sub = (await (await fetch(`${j.url}/submissions/${body.token}`)).json()) as Record<string, unknown>;
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(sub).toMatchObject({
      verdict: 'accepted',
      status: { id: 3, description: 'Accepted' },
      judged_by: 'v7',
    });
  });

  it.each([
    ['accepted.js', 'accepted', 3],
    ['wrong-answer.js', 'wrong-answer', 4],
    ['time-limit.js', 'time-limit', 5],
    ['runtime-error.js', 'runtime-error', 11],
    ['compilation-error.js', 'compilation-error', 6],
    ['memory-limit.js', 'memory-limit', 15],
  ])('judges fizz-buzz/%s as %s with ?wait=true', async (file, verdict, statusId) => {
    const { status, body } = await submit(j, {
      problem_id: 'fizz-buzz',
      source_code: solution('fizz-buzz', file),
      user_id: 'w',
    });
    expect(status).toBe(201);
    expect(body).toMatchObject({ verdict, status: { id: statusId }, problem_id: 'fizz-buzz', user_id: 'w' });
  });

  it('answers bad requests with 4xx and a message saying what to fix', async () => {
    const post = (body: string) => fetch(`${j.url}/submissions`, { method: 'POST', body });
    const cases: [string, number, RegExp][] = [
      ['{oops', 400, /malformed JSON/],
      ['[]', 400, /JSON object/],
      [JSON.stringify({ problem_id: 'two-sum' }), 400, /source_code is required/],
      [JSON.stringify({ problem_id: 'nope', source_code: 'x' }), 422, /unknown problem_id nope/],
      [JSON.stringify({ problem_id: 'two-sum', source_code: 'x', language_id: 71 }), 422, /language_id 71/],
      [JSON.stringify({ problem_id: 'two-sum', source_code: 'x'.repeat(70_000) }), 413, /limit is 65536/],
      [JSON.stringify({ problem_id: 'two-sum', source_code: 'x'.repeat(300_000) }), 413, /body/],
    ];
    for (const [body, status, message] of cases) {
      const res = await post(body);
      expect(res.status, body.slice(0, 40)).toBe(status);
      expect(((await res.json()) as { error: string }).error).toMatch(message);
    }
    expect((await fetch(`${j.url}/submissions/nope`)).status).toBe(404);
    expect((await fetch(`${j.url}/nowhere`)).status).toBe(404);
    expect((await fetch(`${j.url}/languages`, { method: 'DELETE' })).status).toBe(405);
  });

  it('ranks the leaderboard by solved count then penalty', async () => {
    await submit(j, {
      problem_id: 'two-sum',
      source_code: solution('two-sum', 'wrong-answer.js'),
      user_id: 'slow',
    });
    await submit(j, {
      problem_id: 'two-sum',
      source_code: solution('two-sum', 'accepted.js'),
      user_id: 'slow',
    });
    await submit(j, {
      problem_id: 'two-sum',
      source_code: solution('two-sum', 'accepted.js'),
      user_id: 'fast',
    });
    const { entries } = (await (await fetch(`${j.url}/leaderboard`)).json()) as {
      entries: Record<string, unknown>[];
    };
    const fast = entries.findIndex((e) => e.user_id === 'fast');
    const slow = entries.findIndex((e) => e.user_id === 'slow');
    expect(entries[slow]).toMatchObject({ solved: 1, penalty: 20 });
    expect(fast).toBeLessThan(slow);
  });

  it('judges a shadow copy (x-rehearsal-mirror) at once without storing it or touching the leaderboard', async () => {
    const res = await fetch(`${j.url}/submissions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-rehearsal-mirror': '1' },
      body: JSON.stringify({
        problem_id: 'two-sum',
        source_code: solution('two-sum', 'accepted.js'),
        user_id: 'shadow-user',
      }),
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({
      shadow: true,
      verdict: 'accepted',
      problem_id: 'two-sum',
      user_id: 'shadow-user',
    });
    expect(body.token).toBeUndefined();
    const { entries } = (await (await fetch(`${j.url}/leaderboard`)).json()) as {
      entries: { user_id: string }[];
    };
    expect(entries.some((e) => e.user_id === 'shadow-user')).toBe(false);
    const metrics = await (await fetch(`${j.url}/metrics`)).text();
    expect(metrics).toMatch(/^judge_shadow_submissions_judged_total\{verdict="accepted"\} 1$/m);
  });

  it('serves health, readiness and metrics that pass promtool check metrics', async () => {
    expect((await fetch(`${j.url}/healthz`)).status).toBe(200);
    expect(await (await fetch(`${j.url}/readyz`)).json()).toMatchObject({ ready: true });
    const text = await (await fetch(`${j.url}/metrics`)).text();
    expect(() => execFileSync('promtool', ['check', 'metrics'], { input: text })).not.toThrow();
    expect(sample(text, 'judge_info', 'version="v7"')).toBe(1);
    expect(sample(text, 'judge_submissions_judged_total', 'verdict="memory-limit",problem="fizz-buzz"')).toBe(
      1,
    );
    expect(sample(text, 'judge_submissions_received_total', 'problem="fizz-buzz"')).toBe(6);
    expect(text).toMatch(/judge_http_requests_total\{route="\/submissions",method="POST",status="201"\} \d+/);
    // Failures the submission check reads exist at 0 before the first one (Prometheus's increase() needs that).
    expect(text).toMatch(
      /^judge_http_requests_total\{route="\/submissions",method="POST",status="500"\} 0$/m,
    );
    expect(text).toMatch(
      /^judge_http_requests_total\{route="\/submissions",method="POST",status="503"\} 0$/m,
    );
    for (const name of [
      'judge_queue_depth',
      'judge_judge_duration_seconds_count',
      'judge_leaderboard_update_lag_seconds_count',
    ]) {
      expect(text).toContain(name);
    }
  });
});
