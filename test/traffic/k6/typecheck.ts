import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { packageRoot } from '../../../sim/util/paths.js';

const types = join(packageRoot, 'node_modules/@types/k6');

/** Runs `tsc --noEmit` on generated k6 scripts with the types of @types/k6; returns tsc's verdict and text. */
export async function typecheckK6(dir: string, scripts: string[]): Promise<{ ok: boolean; output: string }> {
  const config = {
    compilerOptions: {
      allowJs: true,
      checkJs: true,
      noEmit: true,
      strict: true,
      target: 'ES2020',
      module: 'ESNext',
      moduleResolution: 'Bundler',
      lib: ['ES2020'],
      types: [],
      skipLibCheck: true,
      paths: { k6: [join(types, 'index.d.ts')], 'k6/*': [join(types, '*')] },
    },
    files: [...scripts, join(types, 'global.d.ts')],
  };
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify(config, null, 2));
  const tsc = join(packageRoot, 'node_modules/typescript/bin/tsc');
  const r = await execa(process.execPath, [tsc, '--noEmit', '-p', join(dir, 'tsconfig.json')], {
    reject: false,
    all: true,
  });
  return { ok: r.exitCode === 0, output: String(r.all ?? '') };
}
