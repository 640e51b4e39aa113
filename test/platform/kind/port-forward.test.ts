import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PortForward } from '../../../sim/platform/kind/port-forward.js';
import { nullLogger } from '../../../sim/util/logger.js';

// A stand-in `kubectl` on PATH: for `port-forward … LOCAL:REMOTE` it serves HTTP on 127.0.0.1:LOCAL, prints
// kubectl's "Forwarding from" line, and exits after FAKE_KUBECTL_LIFE_MS (as kubectl does when a container restarts).
const dir = mkdtempSync(join(tmpdir(), 'rehearsal-fake-kubectl-'));
writeFileSync(
  join(dir, 'kubectl'),
  `#!${process.execPath}
const http = require('node:http');
const args = process.argv.slice(2);
const [local, remote] = args.at(-1).split(':').map(Number);
const server = http.createServer((req, res) => res.end(JSON.stringify({ pid: process.pid, args })));
server.listen(local, '127.0.0.1', () => console.log('Forwarding from 127.0.0.1:' + local + ' -> ' + remote));
const life = Number(process.env.FAKE_KUBECTL_LIFE_MS || 0);
if (life) setTimeout(() => process.exit(1), life);
process.on('SIGTERM', () => process.exit(0));
`,
);
chmodSync(join(dir, 'kubectl'), 0o755);
process.env.PATH = `${dir}:${process.env.PATH}`;
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const get = async (url: string) =>
  (await (await fetch(url, { signal: AbortSignal.timeout(2000) })).json()) as { pid: number; args: string[] };

describe('port-forward supervision', () => {
  it('forwards on a fixed loopback port, is restarted at the same port when kubectl exits, and stops on close', async () => {
    process.env.FAKE_KUBECTL_LIFE_MS = '700';
    const pf = await PortForward.open({ context: 'kind-x' }, 'ns', 'pod/judge-v1-abc', 8080, nullLogger);
    try {
      expect(pf.url).toBe(`http://127.0.0.1:${pf.port}`);
      const first = await get(pf.url);
      expect(first.args).toEqual([
        '--context',
        'kind-x',
        'port-forward',
        '--namespace',
        'ns',
        '--address',
        '127.0.0.1',
        'pod/judge-v1-abc',
        `${pf.port}:8080`,
      ]);
      await expect
        .poll(async () => (await get(pf.url).catch(() => first)).pid, { timeout: 10_000, interval: 100 })
        .not.toBe(first.pid);
    } finally {
      pf.close();
      delete process.env.FAKE_KUBECTL_LIFE_MS;
    }
    await expect
      .poll(
        async () =>
          get(pf.url).then(
            () => 'up',
            () => 'down',
          ),
        { timeout: 5000, interval: 100 },
      )
      .toBe('down');
  });

  it("fails with kubectl's own words when no forward comes up", async () => {
    writeFileSync(
      join(dir, 'kubectl'),
      `#!${process.execPath}\nconsole.error('error: pods "gone" not found');\nprocess.exit(1);\n`,
    );
    await expect(PortForward.open({}, 'ns', 'pod/gone', 8080, nullLogger)).rejects.toThrow(
      /kubectl port-forward ns\/pod\/gone failed: exited with 1: error: pods "gone" not found/,
    );
  });
});
