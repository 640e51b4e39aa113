import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../../sim/util/paths.js';

// Runs the built CLI (npm test builds first; `npx tsc -p tsconfig.json` otherwise).
const cli = join(packageRoot, 'dist/sim/cli.js');
const tmp = mkdtempSync(join(tmpdir(), 'rehearsal-export-k6-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const rehearse = (args: string[], env: Record<string, string> = {}) =>
  execa(process.execPath, [cli, ...args], {
    cwd: tmp,
    reject: false,
    env: { ...env, NO_COLOR: '1' },
    extendEnv: !('PATH' in env),
  });

describe('rehearse export-k6', () => {
  it('writes the script and the data file for a shipped scenario by name', async () => {
    const r = await rehearse(['export-k6', 'canary-healthy', '-o', 'out']);
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('wrote out/canary-healthy.k6.js');
    expect(r.stdout).toMatch(/wrote out\/canary-healthy\.data\.json \(\d+ requests, \d+ solutions, seed 7\)/);
    expect(r.stdout).toContain(
      'run: k6 run -e REHEARSAL_TARGET=http://127.0.0.1:8080 out/canary-healthy.k6.js',
    );
    expect(readFileSync(join(tmp, 'out/canary-healthy.k6.js'), 'utf8')).toMatch(/^\/\/ @ts-check/);
  });

  it('exports a scenario file, and the same seed gives the same data file', async () => {
    const file = join(packageRoot, 'scenarios/canary-error-spike.yaml');
    await rehearse(['export-k6', file, '-o', 'a']);
    await rehearse(['export-k6', file, '-o', 'b']);
    expect(readFileSync(join(tmp, 'a/canary-error-spike.data.json'), 'utf8')).toBe(
      readFileSync(join(tmp, 'b/canary-error-spike.data.json'), 'utf8'),
    );
  });

  it('names the problem when the scenario is unknown, and exits 2', async () => {
    const r = await rehearse(['export-k6', 'no-such-scenario']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(
      /no-such-scenario: no such scenario file, and no shipped scenario has that name \(names: [^)]*\)/,
    );
    const names = /\(names: ([^)]*)\)/.exec(r.stderr)![1]!.split(', ');
    expect(names).toEqual(expect.arrayContaining(['canary-error-spike', 'canary-healthy']));
  });
});

describe('rehearse export-k6 -o: the output folder is checked before anything is written', () => {
  it('a file where a folder should be: exit 2 with a hint', async () => {
    writeFileSync(join(tmp, 'not-a-folder'), 'x');
    for (const out of ['not-a-folder', 'not-a-folder/sub']) {
      const r = await rehearse(['export-k6', 'canary-healthy', '-o', out]);
      expect(r.exitCode, out).toBe(2);
      expect(r.stderr).toMatch(/is not a folder/);
      expect(r.stderr).toMatch(/hint: choose a writable folder with -o DIR/);
    }
  });

  it('/proc (a kernel file system): exit 2 at once, no hang', async () => {
    const r = await rehearse(['export-k6', 'canary-healthy', '-o', '/proc/rehearsal-k6']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/^error: -o \/proc\/rehearsal-k6: \/proc is on the kernel's proc file system/);
  });

  it('a scenario path that is a symlink loop says so (not "no such scenario")', async () => {
    symlinkSync('loop.yaml', join(tmp, 'loop.yaml'));
    const r = await rehearse(['export-k6', 'loop.yaml']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/^loop\.yaml: symlink loop/);
  });

  it('a folder that does not exist yet is made', async () => {
    const r = await rehearse(['export-k6', 'canary-healthy', '-o', 'new/deeper']);
    expect(r.exitCode).toBe(0);
    expect(existsSync(join(tmp, 'new/deeper/canary-healthy.k6.js'))).toBe(true);
  });
});

describe('rehearse run with the k6 driver, where k6 is not on PATH', () => {
  const path = dirname(process.execPath);

  it('--driver k6: one clear error with a hint, exit 3, nothing started', async () => {
    const r = await rehearse(
      ['run', join(packageRoot, 'scenarios/canary-healthy.yaml'), '--driver', 'k6', '--reports', 'reports'],
      { PATH: path },
    );
    expect(r.exitCode).toBe(3);
    expect(r.stderr.trim().split('\n')).toEqual([
      'error: traffic driver k6 unavailable: k6 not found on PATH',
      expect.stringMatching(/^hint: install k6 .* or use the built-in driver/),
    ]);
    expect(r.stdout).toBe('');
    expect(existsSync(join(tmp, 'reports'))).toBe(false);
  });

  it('traffic.driver: k6 in the scenario does the same', async () => {
    const yaml = readFileSync(join(packageRoot, 'scenarios/canary-healthy.yaml'), 'utf8').replace(
      '  duration: 30s',
      '  duration: 30s\n  driver: k6',
    );
    writeFileSync(join(tmp, 'k6-scenario.yaml'), yaml);
    const r = await rehearse(['run', 'k6-scenario.yaml', '--reports', 'reports'], { PATH: path });
    expect(r.exitCode).toBe(3);
    expect(r.stderr).toContain('error: traffic driver k6 unavailable');
  });

  it('rejects an unknown driver, listing the valid ones', async () => {
    const r = await rehearse(['run', '--driver', 'wrk'], { PATH: path });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('error: unknown traffic driver "wrk"\nhint: use one of: builtin, k6');
  });
});
