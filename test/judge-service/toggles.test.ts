import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADMIN_TOKEN,
  type Judge,
  sample,
  setToggles,
  solution,
  startJudge,
  submit,
  tempDb,
} from './helpers.js';

const accepted = { problem_id: 'two-sum', source_code: solution('two-sum', 'accepted.js') };
const metrics = async (j: Judge) => (await fetch(`${j.url}/metrics`)).text();

describe('behaviour toggles', () => {
  let j: Judge;
  beforeAll(async () => {
    j = await startJudge({ args: ['--toggles', '{"extraLatencyMs":1}'] });
  });
  afterAll(async () => {
    await j.stop();
  });

  it('protects the admin API with the token', async () => {
    expect((await fetch(`${j.url}/admin/toggles`)).status).toBe(401);
    const res = await fetch(`${j.url}/admin/toggles`, {
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    expect(await res.json()).toMatchObject({ toggles: { extraLatencyMs: 1 } });
  });

  it('rejects unknown or invalid toggles, listing the valid ones, and keeps the old ones', async () => {
    const bad = await setToggles(j, { errRate: 1 });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toMatch(/errRate.*valid toggles: errorRate/);
    expect((await setToggles(j, { errorRate: 3 })).status).toBe(400);
    expect(((await (await setToggles(j, {})).json()) as { toggles: unknown }).toggles).toEqual({
      extraLatencyMs: 1,
    });
  });

  it('errorRate fails submission routes with 500 and x-rehearsal-fault: http-errors', async () => {
    await setToggles(j, { errorRate: 1 });
    const res = await submit(j, accepted);
    expect(res.status).toBe(500);
    expect(res.headers.get('x-rehearsal-fault')).toContain('http-errors');
    expect((await fetch(`${j.url}/leaderboard`)).status).toBe(500);
    expect((await fetch(`${j.url}/problems`)).status).toBe(200);
    await setToggles(j, { errorRate: null });
    expect((await submit(j, accepted)).status).toBe(201);
    expect(sample(await metrics(j), 'judge_fault_injections_total', 'kind="http-errors"')).toBe(2);
  });

  it('adds fixed and tail latency, marked on the response', async () => {
    await setToggles(j, { extraLatencyMs: 150 });
    let t = performance.now();
    const res = await fetch(`${j.url}/languages`);
    expect(performance.now() - t).toBeGreaterThanOrEqual(140);
    expect(res.headers.get('x-rehearsal-fault')).toBe('latency');
    await setToggles(j, { extraLatencyMs: null, tailLatency: { share: 1, ms: 120 } });
    t = performance.now();
    expect((await fetch(`${j.url}/languages`)).headers.get('x-rehearsal-fault')).toBe('tail-latency');
    expect(performance.now() - t).toBeGreaterThanOrEqual(110);
    await setToggles(j, { tailLatency: null });
  });

  it('flips verdicts for the chosen problems only', async () => {
    await setToggles(j, { wrongVerdictRate: 1, wrongVerdictProblems: ['two-sum'] });
    const flipped = await submit(j, accepted);
    expect(flipped.body.verdict).toBe('wrong-answer');
    expect(flipped.headers.get('x-rehearsal-fault')).toBe('wrong-verdict');
    const other = await submit(j, {
      problem_id: 'fizz-buzz',
      source_code: solution('fizz-buzz', 'accepted.js'),
    });
    expect(other.body.verdict).toBe('accepted');
    await setToggles(j, { wrongVerdictRate: null, wrongVerdictProblems: null });
  });

  it('fails readiness on demand, marked and counted', async () => {
    await setToggles(j, { readinessFailing: true });
    const res = await fetch(`${j.url}/readyz`);
    expect(res.status).toBe(503);
    expect(res.headers.get('x-rehearsal-fault')).toBe('readiness');
    await setToggles(j, { readinessFailing: null });
    expect((await fetch(`${j.url}/readyz`)).status).toBe(200);
  });

  it('hangs requests until the toggle is cleared, admin API still answering', async () => {
    await setToggles(j, { hang: true });
    const pending = fetch(`${j.url}/healthz`);
    const first = await Promise.race([
      pending.then(() => 'answered'),
      new Promise((r) => setTimeout(() => r('hung'), 300)),
    ]);
    expect(first).toBe('hung');
    await setToggles(j, { hang: null });
    expect((await pending).headers.get('x-rehearsal-fault')).toBe('hang');
  });

  it('delays the verdict and leaderboard commit with slowLeaderboardMs', async () => {
    await setToggles(j, { slowLeaderboardMs: 300 });
    const t = performance.now();
    expect((await submit(j, accepted)).body.verdict).toBe('accepted');
    expect(performance.now() - t).toBeGreaterThanOrEqual(290);
    await setToggles(j, { slowLeaderboardMs: null });
  });

  it('leaks memory and burns CPU in the background, counted by kind', async () => {
    const before = sample(await metrics(j), 'judge_process_resident_memory_bytes');
    await setToggles(j, { leakMbPerSecond: 40, cpuBurnShare: 0.3 });
    await new Promise((r) => setTimeout(r, 2300));
    const text = await metrics(j);
    await setToggles(j, { leakMbPerSecond: null, cpuBurnShare: null });
    expect(sample(text, 'judge_fault_injections_total', 'kind="memory-leak"')).toBeGreaterThanOrEqual(2);
    expect(sample(text, 'judge_fault_injections_total', 'kind="cpu-burn"')).toBeGreaterThanOrEqual(10);
    expect(sample(text, 'judge_process_resident_memory_bytes')).toBeGreaterThan(before + 60 * 1024 * 1024);
  });
});

describe('crash and schema toggles', () => {
  it('crashAtStart exits before listening', async () => {
    await expect(startJudge({ args: ['--toggles', '{"crashAtStart":true}'] })).rejects.toThrow(
      /exited with 3/,
    );
  });

  it('crashAfterRequests kills the process after N more API requests', async () => {
    const j = await startJudge({ env: { JUDGE_TOGGLES: '{"crashAfterRequests":5}' } });
    for (let i = 0; i < 3; i++) expect((await fetch(`${j.url}/problems`)).status).toBe(200);
    await setToggles(j, { crashAfterRequests: 2 });
    for (let i = 0; i < 2; i++) expect((await fetch(`${j.url}/problems`)).status).toBe(200);
    await expect(fetch(`${j.url}/problems`)).rejects.toThrow();
    expect(await j.exited).toBe(70);
  });

  it('schemaVersion 2 migrates the shared store and breaks the older version', async () => {
    const db = tempDb();
    const v1 = await startJudge({ db, args: ['--version', 'v1'] });
    const v2 = await startJudge({ db, args: ['--version', 'v2', '--toggles', '{"schemaVersion":2}'] });
    try {
      const old = await submit(v1, accepted);
      expect(old.status).toBe(500);
      expect(old.headers.get('x-rehearsal-fault')).toBe('schema-incompatible');
      expect(old.body.error).toMatch(/schema version 2 is newer/);
      expect((await fetch(`${v1.url}/readyz`)).status).toBe(503);
      expect((await submit(v2, accepted)).body.verdict).toBe('accepted');
      // A rollback cannot undo the migration: clearing the toggle leaves v2 as broken as v1.
      await setToggles(v2, { schemaVersion: null });
      expect((await submit(v2, accepted)).status).toBe(500);
    } finally {
      await Promise.all([v1.stop(), v2.stop()]);
    }
  });
});
