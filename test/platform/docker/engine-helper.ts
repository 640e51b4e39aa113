import { existsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ENGINE_HINT, probeEngine } from '../../../sim/platform/docker/engine.js';

// testcontainers reads these when imported: no reaper container (it would need a pull), ports on loopback.
process.env.TESTCONTAINERS_RYUK_DISABLED = 'true';
process.env.TESTCONTAINERS_HOST_OVERRIDE = '127.0.0.1';

const probe = await probeEngine();

/**
 * Why the Docker tests are skipped here, or undefined when they run. In CI (.ci/run starts dockerd) they always
 * run, so a missing engine fails them instead of hiding them.
 */
export const noEngine: string | undefined =
  probe.reachable || process.env.CI === 'true' ? undefined : probe.detail;

// One line per test run (test files run in forks of the same parent), not one per file.
const marker = join(tmpdir(), `rehearsal-docker-skip-${process.ppid}`);
if (noEngine && !existsSync(marker)) {
  writeFileSync(marker, '');
  console.warn(`docker tests skipped: ${noEngine} — ${ENGINE_HINT}`);
}
