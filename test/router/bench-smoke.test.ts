import { execFile, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const script = resolve('dist/bench/router-bench.js');
const has = (command: string, args: string[]): boolean =>
  spawnSync(command, args, { stdio: 'ignore' }).error === undefined;
const missing = [
  ...(has('wrk', ['--version']) ? [] : ['wrk']),
  ...(has('nginx', ['-v']) ? [] : ['nginx']),
  ...(existsSync(script) ? [] : ['dist/bench/router-bench.js (run npx tsc -p tsconfig.json)']),
];
const reason = `router bench smoke skipped: missing ${missing.join(', ')}`;

describe.skipIf(missing.length > 0)(missing.length > 0 ? reason : 'router bench --smoke', () => {
  it('runs end to end and writes a report whose figures are numbers', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'router-bench-'));
    const out = join(dir, 'router.json');
    try {
      const stdout = await new Promise<string>((done, fail) => {
        execFile(
          process.execPath,
          [script, '--smoke', '--out', out],
          { timeout: 60_000 },
          (err, text, stderr) => (err ? fail(new Error(`${err.message}\n${stderr}`)) : done(text)),
        );
      });
      expect(stdout).toMatch(/Saturation/);
      const report = JSON.parse(readFileSync(out, 'utf8'));
      for (const name of ['direct', 'router', 'nginx'])
        expect(report.saturation[name].rps).toBeGreaterThan(0);
      expect(typeof report.throughput.routerVsNginx).toBe('number');
      expect(report.latency).toHaveLength(2);
      for (const { results } of report.latency) {
        for (const name of ['direct', 'router', 'nginx']) {
          expect(Number.isFinite(results[name].p50Ms)).toBe(true);
          expect(Number.isFinite(results[name].p99Ms)).toBe(true);
          expect(results[name].errors).toBe(0);
        }
      }
      for (const row of report.added) expect(Number.isFinite(row.router.addedP50Ms)).toBe(true);
      expect(report.targets.map((t: { value: unknown }) => typeof t.value)).toEqual(['number', 'number']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
