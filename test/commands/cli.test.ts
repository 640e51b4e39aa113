import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { paths } from '../../sim/util/paths.js';
import { cliPath, runCli } from '../helpers/cli.js';

/** Runs the CLI with the read end of its stdout (or stderr) pipe closed before it writes anything. */
function withClosedPipe(args: string[], which: 'stdout' | 'stderr') {
  const child = spawn(process.execPath, [cliPath, ...args], {
    env: { ...process.env, CI: 'true', NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child[which]!.destroy();
  let other = '';
  child[which === 'stdout' ? 'stderr' : 'stdout']!.on('data', (d: Buffer) => {
    other += d.toString();
  });
  return new Promise<{ code: number | null; other: string }>((resolve) =>
    child.on('close', (code) => resolve({ code, other })),
  );
}

describe('rehearse --version', () => {
  it('prints the version and exits 0', async () => {
    for (const flag of ['--version', '-V']) {
      const { code, stdout, stderr } = await runCli([flag]);
      expect(code).toBe(0);
      expect(stdout).toBe(`${paths.version}\n`);
      expect(stderr).toBe('');
    }
  });

  it('is listed in the usage', async () => {
    const { stdout } = await runCli(['--help']);
    expect(stdout).toMatch(/--version \(-V\)/);
  });
});

describe('output to a closed pipe', () => {
  it('`rehearse list | head -1`: ends quietly, no EPIPE stack trace, exit 0', async () => {
    const { code, other } = await withClosedPipe(['list'], 'stdout');
    expect(other).toBe('');
    expect(code).toBe(0);
  });

  it('a closed stderr does not turn an invalid scenario into a crash: still exit 2', async () => {
    const { code, other } = await withClosedPipe(['validate', 'no/such/file.yaml'], 'stderr');
    expect(other).toBe('');
    expect(code).toBe(2);
  });

  it('through a real shell pipeline, head gets the first line', async () => {
    const child = spawn(
      'sh',
      ['-c', `"${process.execPath}" "${cliPath}" list scenarios | head -1; echo "rc=$?"`],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
    });
    await new Promise((resolve) => child.on('close', resolve));
    expect(out).toMatch(/^scenarios \(\d+\):\nrc=0\n$/);
    expect(err).toBe('');
  });
});
