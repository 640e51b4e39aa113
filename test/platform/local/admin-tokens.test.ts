import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalPlatform } from '../../../sim/platform/local/local-platform.js';
import type { RouterEndpoint } from '../../../sim/platform/platform.js';
import { nullLogger } from '../../../sim/util/logger.js';
import { tempDir } from '../../helpers/temp-dir.js';
import { ensureBuilt } from '../../judge-service/helpers.js';

/** Every process's argv as one string, by pid (processes that exit meanwhile are skipped). */
function commandLines(): Map<number, string> {
  const out = new Map<number, string>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      out.set(Number(entry), readFileSync(`/proc/${entry}/cmdline`, 'latin1').replaceAll('\0', ' '));
    } catch {
      // gone already
    }
  }
  return out;
}

describe('local platform: admin tokens stay out of argv', () => {
  const workdir = tempDir('rehearsal-local-');
  const platform = new LocalPlatform();
  let endpoint: RouterEndpoint;

  beforeAll(async () => {
    ensureBuilt();
    await platform.start({ runId: 'argv-test', workdir, log: nullLogger });
    endpoint = await platform.startRouter();
    await platform.deploy({ version: 'v1', replicas: 1, workers: 1 });
  }, 60_000);
  afterAll(() => platform.dispose());

  it('no process, router and judge included, carries a token on its command line', async () => {
    const lines = commandLines();
    const ours = [...lines.values()].filter((l) => l.includes(workdir) || l.includes('sim/router/main.js'));
    expect(ours.some((l) => l.includes('judge-service/src/main.js'))).toBe(true);
    expect(ours.some((l) => l.includes('sim/router/main.js'))).toBe(true);
    for (const [pid, line] of lines) {
      expect(line.includes(platform.adminToken), `pid ${pid}: ${line}`).toBe(false);
      expect(line.includes(endpoint.token), `pid ${pid}: ${line}`).toBe(false);
    }
  });

  it('the tokens still work: router admin API and judge admin API accept them', async () => {
    const routes = await fetch(`${endpoint.adminUrl}/routes`, {
      headers: { authorization: `Bearer ${endpoint.token}` },
    });
    expect(routes.status).toBe(200);
    const deployment = await platform.deploy({ version: 'v2', replicas: 1, workers: 1 });
    const url = deployment.instances[0]!.url;
    expect((await fetch(`${url}/admin/toggles`)).status).toBe(401);
    const ok = await fetch(`${url}/admin/toggles`, {
      headers: { authorization: `Bearer ${platform.adminToken}` },
    });
    expect(ok.status).toBe(200);
  }, 30_000);
});
