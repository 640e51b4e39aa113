import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

// A short smoke run of `npm run bench` (node dist/bench/index.js --smoke) keeps the bench working; the full bench
// stays out of the suite. Needs a build (the suite's pretest) and wrk + hey on PATH.

const root = resolve(import.meta.dirname, '../..');
const missing = ['wrk', 'hey'].filter((c) => spawnSync(c, ['--version']).error !== undefined);
const out = mkdtempSync(join(tmpdir(), 'rehearsal-bench-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

interface Summary {
  mode: string;
  router: {
    throughput: { routerVsNginx: number | null; routerVsDirect: number | null };
    added: { rate: number }[];
  } | null;
  generator: {
    rows: {
      rate: number;
      achievedRatio: number;
      cpuPer1k: number;
      generator: { lagP99Ms: number; notSent: number };
    }[];
    saturation: { wrk: { rps: number } | null; hey: { rps: number } | null };
  } | null;
  defaultRun: unknown;
  targets: { name: string; pass: boolean | null }[];
  failures: string[];
}

describe('npm run bench --smoke', () => {
  it.skipIf(missing.length > 0)(
    `prints one summary and writes summary.json with router and generator figures${missing.length ? ` (SKIPPED: ${missing.join(' and ')} not installed)` : ''}`,
    () => {
      const run = spawnSync(
        process.execPath,
        [join(root, 'dist/bench/index.js'), '--smoke', '--out-dir', out],
        {
          cwd: root,
          encoding: 'utf8',
          timeout: 150_000,
        },
      );
      expect(run.status, `${run.stdout}\n${run.stderr}`).toBe(0);
      expect(run.stdout).toContain('Bench summary (smoke)');
      expect(run.stdout).toMatch(/generator achieved\/target at 100 req\/s .* +\d\.\d{3}/);
      for (const f of ['router.json', 'generator.json', 'summary.json'])
        expect(existsSync(join(out, f))).toBe(true);
      const s = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as Summary;
      expect(s.mode).toBe('smoke');
      expect(s.failures).toEqual([]);
      expect(s.defaultRun).toBeNull(); // the README's default run is only part of the full bench
      expect(s.router?.throughput.routerVsDirect).toBeGreaterThan(0);
      expect(s.router?.added.map((a) => a.rate)).toEqual([50, 100]);
      expect(s.generator?.rows.map((r) => r.rate)).toEqual([100, 200]);
      for (const r of s.generator?.rows ?? []) {
        // Generous: a smoke run on a busy machine still sends everything and gets most of it back in time.
        expect(r.generator.notSent).toBe(0);
        expect(r.achievedRatio).toBeGreaterThan(0.5);
        expect(r.cpuPer1k).toBeGreaterThan(0);
      }
      // The references ran against the same upstream (the sustained-rate ratio may be null on a starved machine).
      expect(s.generator?.saturation.wrk?.rps).toBeGreaterThan(0);
      expect(s.generator?.saturation.hey?.rps).toBeGreaterThan(0);
      expect(s.targets.map((t) => t.name)).toContain('router throughput / nginx throughput >= 0.6');
    },
    180_000,
  );
});
