import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Packages that dependencies list but that only run at install time (native prebuild download). */
const INSTALL_ONLY = new Set(['prebuild-install']);

/** Paths inside a package that are not needed at run time (sources and build intermediates of native addons). */
const PRUNE: Record<string, (rel: string) => boolean> = {
  // zod's src/ is only reached through its "@zod/source" export condition, which Node never sets.
  zod: (rel) => rel === 'src' || rel.startsWith('src/'),
  'better-sqlite3': (rel) =>
    rel === 'deps' ||
    rel === 'src' ||
    rel.startsWith('deps/') ||
    rel.startsWith('src/') ||
    (rel.startsWith('build/') && !isKeptBuildPath(rel)),
};

function isKeptBuildPath(rel: string): boolean {
  return rel === 'build/Release' || rel === 'build/Release/better_sqlite3.node';
}

/** The named packages and everything they depend on at run time, resolved in the flat `node_modules`. */
export function runtimeClosure(nodeModules: string, roots: string[]): string[] {
  const seen = new Set<string>();
  const queue = [...roots];
  while (queue.length > 0) {
    const name = queue.shift()!;
    if (seen.has(name) || INSTALL_ONLY.has(name)) continue;
    const manifest = join(nodeModules, name, 'package.json');
    if (!existsSync(manifest)) throw new Error(`${name} is not installed in ${nodeModules}; run \`npm ci\``);
    seen.add(name);
    const deps =
      (JSON.parse(readFileSync(manifest, 'utf8')) as { dependencies?: Record<string, string> })
        .dependencies ?? {};
    queue.push(...Object.keys(deps));
  }
  return [...seen].sort();
}

/** Type declarations, source maps and docs: never loaded at run time. */
const NOT_RUNTIME = /(\.d\.[cm]?ts|\.map|\.md)$/;

/** Whether `rel` (a path inside package `name`) can be left out of an image. */
export function prunable(name: string, rel: string): boolean {
  return NOT_RUNTIME.test(rel) || (PRUNE[name]?.(rel) ?? false);
}
