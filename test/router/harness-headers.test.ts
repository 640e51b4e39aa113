import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningRouter, startRouter } from '../../sim/router/router.js';
import { RouterClient } from '../../sim/router-client/client.js';
import { type Judge, sample, solution, startJudge, tempDb, until } from '../judge-service/helpers.js';
import { TOKEN, table } from './helpers.js';

// Client-supplied harness headers through the router to real judges: stable v1, candidate v2 mirrored at 100%.
describe('client x-rehearsal-* headers through the router', () => {
  let v1: Judge;
  let v2: Judge;
  let router: RunningRouter;

  beforeAll(async () => {
    const db = tempDb();
    [v1, v2] = await Promise.all([
      startJudge({ db, args: ['--version', 'v1', '--workers', '1'] }),
      startJudge({ db, args: ['--version', 'v2', '--workers', '1'] }),
    ]);
    router = await startRouter({ port: 0, adminPort: 0, token: TOKEN });
    await new RouterClient(router.adminUrl, TOKEN).putRoutes(
      table(
        { v1: [v1.url], v2: [v2.url] },
        { weights: { v1: 100, v2: 0 }, mirror: { version: 'v2', percent: 100 } },
      ),
    );
  });
  afterAll(async () => {
    await router.close();
    await Promise.all([v1.stop(), v2.stop()]);
  });

  const post = (user: string, file: string, headers: Record<string, string>) =>
    fetch(`${router.url}/submissions?wait=true`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ problem_id: 'two-sum', source_code: solution('two-sum', file), user_id: user }),
    });
  const received = async () => {
    let total = 0;
    for (const j of [v1, v2])
      total += sample(
        await (await fetch(`${j.url}/metrics`)).text(),
        'judge_submissions_received_total',
        'problem="two-sum"',
      );
    return total;
  };
  const settled = () =>
    until(
      async () => sample(await (await fetch(`${v1.url}/metrics`)).text(), 'judge_queue_depth') === 0,
      15_000,
    );
  const entry = async (user: string) => {
    const { entries } = (await (await fetch(`${router.url}/leaderboard`)).json()) as {
      entries: { user_id: string; solved: number; penalty: number }[];
    };
    return entries.find((e) => e.user_id === user);
  };

  it('x-rehearsal-mirror: 0 from a client does not make one action score twice', async () => {
    const before = await received();
    const wrong = await post('double', 'wrong-answer.js', { 'x-rehearsal-mirror': '0' });
    expect(wrong.status).toBe(201);
    // Give a stored mirror copy, if there were one, every chance to be judged before the accepted one.
    await new Promise((r) => setTimeout(r, 500));
    await settled();
    const accepted = await post('double', 'accepted.js', { 'x-rehearsal-mirror': '0' });
    expect(accepted.status).toBe(201);
    await new Promise((r) => setTimeout(r, 500));
    await settled();
    expect(await received()).toBe(before + 2);
    expect(await entry('double')).toMatchObject({ solved: 1, penalty: 20 });
  });

  it('x-rehearsal-mirror: 1 from a client does not make stable judge without storing', async () => {
    const res = await post('not-a-shadow', 'accepted.js', { 'x-rehearsal-mirror': '1' });
    expect(res.status).toBe(201);
    const body = (await res.json()) as { token?: string; shadow?: boolean; judged_by?: string };
    expect(body.shadow).toBeUndefined();
    expect(body.judged_by).toBe('v1');
    expect((await fetch(`${router.url}/submissions/${body.token}`)).status).toBe(200);
    expect(await entry('not-a-shadow')).toMatchObject({ solved: 1 });
  });

  it("the router's own shadow copies still reach the candidate marked x-rehearsal-mirror: 1", async () => {
    const shadowsBefore = sample(
      await (await fetch(`${v2.url}/metrics`)).text(),
      'judge_shadow_submissions_judged_total',
      'verdict="accepted"',
    );
    expect((await post('plain', 'accepted.js', {})).status).toBe(201);
    await until(
      async () =>
        sample(
          await (await fetch(`${v2.url}/metrics`)).text(),
          'judge_shadow_submissions_judged_total',
          'verdict="accepted"',
        ) > shadowsBefore,
    );
  });
});
