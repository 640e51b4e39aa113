import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cliPath } from '../helpers/cli.js';

const root = join(import.meta.dirname, '../..');
const dir = mkdtempSync(join(tmpdir(), 'rehearsal-loads-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** What a platform client looks like among loaded modules (a path inside its package, or our platform code). */
const platformClient =
  /node_modules\/(dockerode|@kubernetes\/client-node|testcontainers)\/|dist\/sim\/platform\/(docker|kind)\//;

/** Runs node with the load recorder preloaded and returns the exit code and every module it loaded. */
function loadsOf(args: string[], name: string): { code: number | null; modules: string[] } {
  const file = join(dir, `${name}.txt`);
  const run = spawnSync(
    process.execPath,
    ['--import', join(import.meta.dirname, 'record-loads.mjs'), ...args],
    {
      cwd: root,
      env: { ...process.env, CI: 'true', NO_COLOR: '1', RECORD_LOADS: file },
      encoding: 'utf8',
    },
  );
  return { code: run.status, modules: readFileSync(file, 'utf8').split('\n').filter(Boolean) };
}

describe('the light commands load no platform client (evidence from the running process)', () => {
  it.each([['validate'], ['plan']])('`rehearse %s scenarios`', (command) => {
    const { code, modules } = loadsOf([cliPath, command, 'scenarios'], command);
    expect(code).toBe(0);
    // The recorder saw the command's own modules, so an empty list of clients means something.
    expect(modules.some((m) => m.endsWith('/dist/sim/scenario/schema.js'))).toBe(true);
    expect(modules.filter((m) => platformClient.test(m))).toEqual([]);
  });

  it('`rehearse import fixtures/import/argo-canary.yaml`', () => {
    const out = join(dir, 'imported.yaml');
    const { code, modules } = loadsOf(
      [cliPath, 'import', 'fixtures/import/argo-canary.yaml', '--out', out],
      'import',
    );
    expect(code).toBe(0);
    expect(modules.some((m) => m.endsWith('/dist/sim/import/import-policy.js'))).toBe(true);
    expect(modules.filter((m) => platformClient.test(m))).toEqual([]);
  });

  it('the recorder sees a platform client when one loads (ES and CommonJS)', () => {
    const { modules } = loadsOf(['--input-type=module', '-e', "await import('dockerode')"], 'control');
    expect(modules.some((m) => m.startsWith('esm ') && platformClient.test(m))).toBe(true);
    expect(modules.some((m) => m.startsWith('cjs ') && platformClient.test(m))).toBe(true);
  });
});
