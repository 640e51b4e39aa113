import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LoadedScenario, loadScenarios, parseScenario } from '../../../sim/scenario/load.js';
import type { K6Data } from '../../../sim/traffic/k6/data-file.js';
import { exportK6, planFor } from '../../../sim/traffic/k6/export.js';
import { parseK6Output } from '../../../sim/traffic/k6/output.js';
import { arrivalsWithin, scriptProfile } from '../../../sim/traffic/k6/profile.js';
import type { RequestRecord } from '../../../sim/traffic/record.js';
import type { PlannedRequest } from '../../../sim/traffic/schedule.js';
import { paths } from '../../../sim/util/paths.js';
import { writeK6Shim } from './k6-shim.js';

// Runs the generated script's own code (in Node, with k6's modules stood in by k6-shim.ts) and reads
// its samples back through the converter: the requests must be the seeded plan, the records must match.
const tmp = mkdtempSync(join(tmpdir(), 'rehearsal-k6-roundtrip-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const loaded = loadScenarios([join(paths.scenarios, 'canary-error-spike.yaml')], process.cwd())[0]!;
const startTime = 1_795_806_000_000;
let plan: PlannedRequest[];
let records: RequestRecord[];
let requests: {
  method: string;
  url: string;
  body: string | null;
  headers: Record<string, string>;
  tags: Record<string, string>;
}[];

async function runScript(l: LoadedScenario, dir: string, count: (n: number) => number) {
  const schedule = planFor(l);
  const written = exportK6(l, dir, schedule);
  const data = JSON.parse(readFileSync(written.data, 'utf8')) as K6Data;
  writeFileSync(
    join(dir, 'expected.json'),
    JSON.stringify(Object.fromEntries(data.solutions.map((s) => [s.source_code, s.expected]))),
  );
  const runner = writeK6Shim(dir);
  const r = await execa(process.execPath, [
    runner,
    written.script,
    String(count(schedule.length)),
    String(startTime),
    join(dir, 'expected.json'),
  ]);
  const out = JSON.parse(r.stdout) as { points: unknown[]; requests: typeof requests };
  return {
    schedule,
    requests: out.requests,
    records: parseK6Output(out.points.map((p) => JSON.stringify(p)).join('\n'), startTime).records,
  };
}

beforeAll(async () => {
  ({ schedule: plan, requests, records } = await runScript(loaded, tmp, (n) => n + 5));
});

describe('generated script, run and read back', () => {
  it('sends the seeded plan in order, one request per planned request, nothing past its end', () => {
    expect(requests).toHaveLength(plan.length);
    expect(records.map((r) => r.seq)).toEqual(plan.map((p) => p.seq));
    expect(records.map((r) => r.userId)).toEqual(plan.map((p) => p.user.id));
    expect(requests.map((r) => r.headers['x-rehearsal-request-id'])).toEqual(
      plan.map((p) => `${loaded.scenario.seed}-${p.seq}`),
    );
  });

  it('sends submissions exactly as the built-in driver does', () => {
    const submits = plan.filter((p) => p.kind === 'submit');
    const posts = requests.filter((r) => r.method === 'POST');
    expect(posts).toHaveLength(submits.length);
    expect(posts.every((r) => r.url === 'http://target.test:1/submissions?wait=true')).toBe(true);
    expect(posts.map((r) => JSON.parse(r.body!))).toEqual(
      submits.map((p) => ({
        problem_id: p.solution!.problemId,
        source_code: p.solution!.source,
        language_id: 63,
        user_id: p.user.id,
      })),
    );
    expect(posts[0]!.headers).toMatchObject({
      'content-type': 'application/json',
      'x-user-id': submits[0]!.user.id,
      'x-user-segment': submits[0]!.user.segment,
    });
    expect(records.filter((r) => r.kind === 'submit').map((r) => r.expected)).toEqual(
      submits.map((p) => p.solution!.expected),
    );
  });

  it('polls its own earlier submissions, and reads the leaderboard when it has none yet', () => {
    const firstSubmit = plan.findIndex((p) => p.kind === 'submit');
    const polls = records.filter((r) => r.kind === 'poll');
    expect(polls.length).toBeGreaterThan(0);
    for (const r of polls) {
      expect(r.seq).toBeGreaterThan(firstSubmit);
      expect(r.token).toMatch(/^tok-\d+$/);
      expect(Number(r.token!.slice(4))).toBeLessThan(r.seq);
    }
    const early = plan.filter((p, i) => p.kind === 'poll' && i < firstSubmit);
    for (const p of early) expect(records[p.seq]!.kind).toBe('leaderboard');
  });

  it('records serving version, status, fault, verdict and failure as the verdict code reads them', () => {
    for (const r of records) {
      if (r.seq % 7 === 3) {
        expect(r).toMatchObject({ status: 0, error: 'dial: i/o timeout' });
        expect(r.version).toBeUndefined();
        continue;
      }
      expect(r.version).toBe(r.seq % 2 === 0 ? 'v1' : 'v2');
      expect(r.servedBy).toBe(r.seq % 2 === 0 ? 'v1/v1-1' : 'v2/v2-1');
      if (r.version === 'v2' && r.seq % 5 === 0)
        expect(r).toMatchObject({ status: 500, fault: 'http-errors' });
      else if (r.kind === 'submit') expect(r.verdict).toBe(r.version === 'v2' ? 'wrong-answer' : r.expected);
    }
  });

  it('measures from the intended start of each iteration, k6 spacing arrivals evenly at the rate', () => {
    const spacing = 1000 / 40;
    for (const r of records) {
      expect(r.intendedAt).toBeCloseTo(r.seq * spacing, 6);
      expect(r.latencyMs).toBeGreaterThanOrEqual(0);
    }
  });

  it('measures a ramp from where k6 starts each iteration (area under the rate reaches i + 1)', async () => {
    const yaml = readFileSync(join(paths.scenarios, 'canary-healthy.yaml'), 'utf8').replace(
      'profile: { type: constant, rate: 40 }',
      'profile: { type: ramp, from: 2, to: 30 }',
    );
    const { scenario } = parseScenario(yaml, 'ramp.yaml');
    const dir = join(tmp, 'ramp');
    const run = await runScript({ file: 'ramp.yaml', scenario: scenario! }, dir, () => 60);
    const profile = scriptProfile(scenario!.traffic);
    expect(run.records).toHaveLength(60);
    for (const r of run.records) {
      expect(arrivalsWithin(profile, r.intendedAt - 0.01)).toBe(r.seq);
      expect(arrivalsWithin(profile, r.intendedAt + 0.01)).toBe(r.seq + 1);
    }
  });
});
