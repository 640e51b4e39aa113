import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dockerName, labelFilter, scopeLabels } from '../../../sim/platform/docker/labels.js';
import { importedPackages } from '../../../sim/platform/images/app-images.js';
import { prunable, runtimeClosure } from '../../../sim/platform/images/node-modules.js';

const root = join(import.meta.dirname, '../../..');

describe('image contents', () => {
  it('finds the packages the compiled judge service imports, and none for the router', () => {
    expect(importedPackages(join(root, 'dist/fixtures/judge-service'))).toEqual([
      'better-sqlite3',
      'prom-client',
      'zod',
    ]);
    expect(importedPackages(join(root, 'dist/sim/router'))).toEqual([]);
  });

  it('closes over run-time dependencies and leaves out install-time ones', () => {
    const closure = runtimeClosure(join(root, 'node_modules'), ['better-sqlite3', 'prom-client']);
    expect(closure).toContain('bindings');
    expect(closure).toContain('tdigest');
    expect(closure).not.toContain('prebuild-install');
  });

  it('names a missing package and what to run', () => {
    expect(() => runtimeClosure(join(root, 'node_modules'), ['no-such-package-x'])).toThrow(
      /no-such-package-x is not installed.*npm ci/,
    );
  });

  it('keeps the SQLite addon but not its sources, and drops declarations and maps', () => {
    expect(prunable('better-sqlite3', 'build/Release/better_sqlite3.node')).toBe(false);
    expect(prunable('better-sqlite3', 'lib/index.js')).toBe(false);
    expect(prunable('better-sqlite3', 'deps/sqlite3/sqlite3.c')).toBe(true);
    expect(prunable('better-sqlite3', 'build/Release/obj/x.o')).toBe(true);
    expect(prunable('zod', 'index.d.ts')).toBe(true);
    expect(prunable('zod', 'v4/index.js')).toBe(false);
  });
});

describe('labels and names', () => {
  it('labels a scope with owner, run, scope and owning process', () => {
    const labels = scopeLabels('20261127-1-ab', 'rh-x');
    expect(labels).toMatchObject({
      rehearsal: '1',
      'rehearsal.run': '20261127-1-ab',
      'rehearsal.scope': 'rh-x',
    });
    expect(labels['rehearsal.owner']).toMatch(new RegExp(`^${process.pid}@`));
    expect(JSON.parse(labelFilter('rehearsal=1'))).toEqual({ label: ['rehearsal=1'] });
  });

  it('makes names Docker accepts', () => {
    expect(dockerName('V2.1/Canary run')).toBe('v2.1-canary-run');
    expect(dockerName('--x')).toBe('x');
  });
});
