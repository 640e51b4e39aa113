import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LocalPlatform } from '../../../sim/platform/local/local-platform.js';
import type { ExternalStart } from '../../../sim/platform/platform.js';
import { nullLogger } from '../../../sim/util/logger.js';
import { paths } from '../../../sim/util/paths.js';
import { leftoversAfter, tagChildren } from '../../helpers/processes.js';
import { tempDir } from '../../helpers/temp-dir.js';

const started: LocalPlatform[] = [];

async function platform(name: string): Promise<{ p: LocalPlatform; tag: string; workdir: string }> {
  const tag = tagChildren(name);
  const p = new LocalPlatform();
  started.push(p);
  const workdir = tempDir(`rehearsal-${name}-`);
  await p.start({ runId: name, workdir, log: nullLogger });
  return { p, tag, workdir };
}

const ext = (command: string[], more: Partial<ExternalStart> = {}): ExternalStart => ({
  file: 'scenarios/mine.yaml',
  command,
  port: 8080,
  liveness: '/healthz',
  readiness: '/readyz',
  env: {},
  startupTimeoutMs: 10_000,
  ...more,
});

// Answers 503 on every path forever, after starting a grandchild in its process group: never ready.
const neverReady = [
  process.execPath,
  '-e',
  `require('node:child_process').spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
   console.log('warming up forever');
   require('node:http').createServer((q, s) => { s.statusCode = 503; s.end(); }).listen(Number(process.env.PORT), '127.0.0.1');`,
];

afterEach(async () => {
  await Promise.all(started.splice(0).map((p) => p.dispose()));
  delete process.env.REHEARSAL_TEST_TAG;
});

describe('local platform: an external version started from its command', () => {
  it('fills {port}, {workdir} and {instance}, sets PORT and env, logs to the run folder, restarts on the same port', async () => {
    const { p, tag, workdir } = await platform('ext-ok');
    const command = [
      process.execPath,
      paths.judgeService,
      '--port',
      '{port}',
      '--version',
      'v2',
      '--instance',
      '{instance}',
      '--db',
      '{workdir}/store.sqlite',
    ];
    const d = await p.deploy({
      version: 'v2',
      replicas: 1,
      external: ext(command, {
        env: { JUDGE_WORKERS: '1', MARK: 'port {port}' },
        readiness: '/readyz?probe=1',
      }),
    });
    const [i] = d.instances;
    // The harness's probes go to the version's own paths.
    expect(i).toMatchObject({ readinessPath: '/readyz?probe=1', livenessPath: '/healthz' });
    const health = (await (await fetch(`${i!.url}/healthz`)).json()) as Record<string, string>;
    expect(health).toMatchObject({ status: 'ok', version: 'v2', instance: 'v2-0' });
    expect(existsSync(join(workdir, 'store.sqlite'))).toBe(true);
    expect(readFileSync(join(workdir, 'logs', 'v2-0.log'), 'utf8')).toMatch(/"msg":"listening"/);
    await i!.restart!();
    expect((await fetch(`${i!.url}/readyz`)).status).toBe(200);
    await d.stop();
    expect(await leftoversAfter(tag)).toEqual([]);
  }, 30_000);

  it('a program that does not exist: the error names the file, version and program', async () => {
    const { p, tag } = await platform('ext-enoent');
    await expect(
      p.deploy({ version: 'v2', replicas: 1, external: ext(['/no/such/judge', '--port', '{port}']) }),
    ).rejects.toThrow(
      /scenarios\/mine\.yaml: service\.versions\.v2: command could not be started: spawn \/no\/such\/judge ENOENT/,
    );
    expect(await leftoversAfter(tag)).toEqual([]);
  });

  it('a program that exits during start-up: the error carries the last lines of its log', async () => {
    const { p, tag } = await platform('ext-exit');
    const crash = [
      process.execPath,
      '-e',
      "console.error('config: DATABASE_URL is not set'); process.exit(3)",
    ];
    const error = await p.deploy({ version: 'v2', replicas: 1, external: ext(crash) }).catch((e) => e);
    expect(error.message).toMatch(
      /scenarios\/mine\.yaml: service\.versions\.v2: instance v2-0 exited during start-up \(code 3/,
    );
    expect(error.hint).toMatch(/logs\/v2-0\.log ends: config: DATABASE_URL is not set/);
    expect(await leftoversAfter(tag)).toEqual([]);
  });

  it('never ready within startupTimeout: the error says so, and its whole process group is killed', async () => {
    const { p, tag } = await platform('ext-never');
    const error = await p
      .deploy({ version: 'v2', replicas: 1, external: ext(neverReady, { startupTimeoutMs: 1200 }) })
      .catch((e) => e);
    expect(error.message).toMatch(
      /scenarios\/mine\.yaml: service\.versions\.v2: instance v2-0 was not ready within 1200 ms .*HTTP 503/,
    );
    expect(error.hint).toMatch(/ends: warming up forever/);
    // The program and the grandchild it started, both tagged through the environment.
    expect(await leftoversAfter(tag, 2000)).toEqual([]);
  });

  it('refuses at start a version that has only an image, before making anything', async () => {
    const p = new LocalPlatform();
    const workdir = join(tempDir('rehearsal-ext-image-'), 'run');
    const start = { ...ext([]), command: undefined, image: 'my-judge:2' } as ExternalStart;
    await expect(
      p.start({ runId: 'x', workdir, log: nullLogger, external: [{ version: 'v2', start }] }),
    ).rejects.toThrow(/scenarios\/mine\.yaml: service\.versions\.v2 has no command/);
    expect(existsSync(workdir)).toBe(false);
  });
});
