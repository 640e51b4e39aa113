import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir)
      throw new Error('rehearsal: cannot find the package root (no package.json above the code)');
    dir = parent;
  }
  return dir;
}

/** The package root (where package.json is). */
export const packageRoot = findRoot();

/** Paths of the programs and data the harness starts or reads. */
export const paths = {
  judgeService: join(packageRoot, 'dist/fixtures/judge-service/src/main.js'),
  router: join(packageRoot, 'dist/sim/router/main.js'),
  /** The worker thread `simulateMany` spreads simulated rehearsals over. */
  simulateWorker: join(packageRoot, 'dist/sim/simulate/simulate-worker.js'),
  problems: join(packageRoot, 'fixtures/problems'),
  scenarios: join(packageRoot, 'scenarios'),
  reports: join(packageRoot, 'reports'),
  /** This tool's version, from package.json. */
  version: (JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as { version: string })
    .version,
};
