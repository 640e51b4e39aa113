import { existsSync, readdirSync, readFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { type Judge, sample, solution, startJudge, submit, tempDb, until } from './helpers.js';

const tle = solution('two-sum', 'time-limit.js');

function childPids(pid: number): number[] {
  return readdirSync(`/proc/${pid}/task`).flatMap((t) =>
    readFileSync(`/proc/${pid}/task/${t}/children`, 'utf8').split(' ').filter(Boolean).map(Number),
  );
}

function alive(pid: number): boolean {
  return existsSync(`/proc/${pid}`) && !readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z ');
}

async function submitMany(j: Judge, n: number, user: string): Promise<string[]> {
  const tokens: string[] = [];
  for (let i = 0; i < n; i++) {
    const { status, body } = await submit(
      j,
      { problem_id: 'two-sum', source_code: tle, user_id: user },
      false,
    );
    expect(status).toBe(201);
    tokens.push(body.token as string);
  }
  return tokens;
}

// Generous timeouts: these spawn several services and must pass on a loaded 2-core machine too.
describe('judge loop across instances', { timeout: 60_000 }, () => {
  it('gives every acknowledged submission exactly one verdict when an instance dies holding leases', async () => {
    const db = tempDb();
    const a = await startJudge({ db, args: ['--lease-ms', '800', '--workers', '1', '--instance', 'a'] });
    const tokens = await submitMany(a, 4, 'victim');
    const store = new Database(db, { readonly: true });
    await until(
      () =>
        (
          store.prepare("SELECT count(*) n FROM submissions WHERE lease_owner LIKE 'a#%'").get() as {
            n: number;
          }
        ).n > 0,
    );
    const workers = childPids(a.proc.pid!);
    await a.kill();
    await until(() => workers.every((pid) => !alive(pid)), 15_000);

    const b = await startJudge({ db, args: ['--lease-ms', '800', '--instance', 'b'] });
    try {
      await until(
        () =>
          (store.prepare("SELECT count(*) n FROM submissions WHERE state <> 'done'").get() as { n: number })
            .n === 0,
        30_000,
      );
      const rows = store.prepare('SELECT token, verdict, attempts FROM submissions').all() as {
        token: string;
        verdict: string;
        attempts: number;
      }[];
      expect(rows.map((r) => r.token).sort()).toEqual([...tokens].sort());
      expect(rows.every((r) => r.verdict === 'time-limit')).toBe(true);
      expect(rows.some((r) => r.attempts > 1)).toBe(true);
      // Each wrong verdict counted once: the accepted one that follows costs exactly 20 per wrong attempt.
      await submit(b, {
        problem_id: 'two-sum',
        source_code: solution('two-sum', 'accepted.js'),
        user_id: 'victim',
      });
      const { entries } = (await (await fetch(`${b.url}/leaderboard`)).json()) as {
        entries: { user_id: string; penalty: number }[];
      };
      expect(entries.find((e) => e.user_id === 'victim')?.penalty).toBe(4 * 20);
      expect(await (await fetch(`${b.url}/metrics`)).text()).toMatch(
        /judge_submissions_taken_over_total [1-9]/,
      );
    } finally {
      store.close();
      await b.stop();
    }
  });

  it('keeps its leases while alive, so a short lease causes no double judging', async () => {
    const db = tempDb();
    const a = await startJudge({ db, args: ['--lease-ms', '200', '--workers', '1'] });
    const b = await startJudge({ db, args: ['--lease-ms', '200', '--workers', '1'] });
    try {
      const tokens = [...(await submitMany(a, 2, 'live')), ...(await submitMany(b, 2, 'live'))];
      const store = new Database(db, { readonly: true });
      await until(
        () =>
          (store.prepare("SELECT count(*) n FROM submissions WHERE state <> 'done'").get() as { n: number })
            .n === 0,
        30_000,
      );
      const attempts = store.prepare('SELECT max(attempts) m FROM submissions').get() as { m: number };
      store.close();
      expect(tokens).toHaveLength(4);
      expect(attempts.m).toBe(1);
      expect([...a.output, ...b.output].join('\n')).not.toContain('lease lost');
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
  });

  it('on SIGTERM goes unready, finishes in-flight requests and releases leased work', async () => {
    const db = tempDb();
    const a = await startJudge({ db, args: ['--workers', '1', '--drain-ms', '300'] });
    await submitMany(a, 3, 'drain');
    const waiting = submit(a, { problem_id: 'two-sum', source_code: solution('two-sum', 'accepted.js') });
    await new Promise((r) => setTimeout(r, 100));
    a.proc.kill('SIGTERM');
    const answered = await waiting;
    expect(answered.status).toBe(201);
    expect(await a.exited).toBe(0);
    expect(a.output.join('\n')).toMatch(/released leased work/);
    const store = new Database(db, { readonly: true });
    const leased = store.prepare("SELECT count(*) n FROM submissions WHERE state = 'processing'").get() as {
      n: number;
    };
    store.close();
    expect(leased.n).toBe(0);
  });

  it('judges another user promptly while one user floods the queue with slow submissions', async () => {
    const db = tempDb();
    const a = await startJudge({ db, args: ['--workers', '1', '--drain-ms', '0'] });
    try {
      await submitMany(a, 30, 'flooder');
      const started = performance.now();
      const honest = await submit(a, {
        problem_id: 'two-sum',
        source_code: solution('two-sum', 'accepted.js'),
        user_id: 'honest',
      });
      const seconds = (performance.now() - started) / 1000;
      expect(honest.body.verdict).toBe('accepted');
      // Behind a 30-second backlog, it waits only for the submissions already leased and one of the flood's.
      expect(seconds).toBeLessThan(12);
    } finally {
      await a.stop();
    }
  });

  it('gives up a submission that takes down every instance judging it, as internal-error', async () => {
    const db = tempDb();
    let store: Database.Database | undefined;
    const owner = () =>
      (store?.prepare('SELECT lease_owner o FROM submissions').get() as { o: string | null } | undefined)
        ?.o ?? '';
    const args = (name: string) => ['--lease-ms', '800', '--workers', '1', '--instance', name];
    let token = '';
    try {
      for (const name of ['a', 'b', 'c']) {
        const j = await startJudge({ db, args: args(name) });
        if (!token) token = (await submitMany(j, 1, 'victim'))[0]!;
        store ??= new Database(db, { readonly: true });
        // Simulates a submission that kills the instance judging it.
        await until(() => owner().startsWith(`${name}#`), 15_000);
        await j.kill();
      }
      const d = await startJudge({ db, args: args('d') });
      try {
        await until(async () => {
          const row = await (await fetch(`${d.url}/submissions/${token}`)).json();
          return (row as { verdict: string | null }).verdict !== null;
        }, 15_000);
        const row = (await (await fetch(`${d.url}/submissions/${token}`)).json()) as Record<string, unknown>;
        expect(row).toMatchObject({
          verdict: 'internal-error',
          status: { id: 13, description: 'Internal Error' },
          judged_by: 'v1',
        });
        expect(row.message).toMatch(/not judged: the judge stopped 3 times/);
        expect((await fetch(`${d.url}/healthz`)).status).toBe(200);
        const metrics = await (await fetch(`${d.url}/metrics`)).text();
        expect(sample(metrics, 'judge_submissions_abandoned_total')).toBe(1);
        expect(
          sample(metrics, 'judge_submissions_judged_total', 'verdict="internal-error",problem="two-sum"'),
        ).toBe(1);
        const { entries } = (await (await fetch(`${d.url}/leaderboard`)).json()) as {
          entries: { user_id: string; penalty: number }[];
        };
        expect(entries.find((e) => e.user_id === 'victim')?.penalty).toBe(0);
      } finally {
        await d.stop();
      }
    } finally {
      store?.close();
    }
  });

  it('exits, workers included, when standard input closes', async () => {
    const a = await startJudge({ args: ['--exit-on-stdin-close'] });
    await until(() => childPids(a.proc.pid!).length === 2);
    const workers = childPids(a.proc.pid!);
    a.proc.stdin?.end();
    expect(await a.exited).toBe(0);
    await until(() => workers.every((pid) => !alive(pid)), 15_000);
  });
});
