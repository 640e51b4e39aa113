/**
 * Benchmark: how long the shipped rehearsal matrix and the README's default run take on the local
 * platform, against their targets (whole matrix 15 min, default run 3 min). Not a timed test.
 *
 *   node dist/bench/matrix.js [--parallel N] [--only default|matrix]
 *
 * Prints, for each run, the wall time, the target and their ratio, the summed scenario time (the
 * work done) and the ratio of wall time to one scenario's time measured in the same run.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { packageRoot, paths } from '../sim/util/paths.js';

const { values } = parseArgs({
  options: { parallel: { type: 'string', default: '2' }, only: { type: 'string' } },
});
const cli = join(packageRoot, 'dist', 'sim', 'cli.js');

interface Timed {
  wallS: number;
  scenarios: { name: string; status: string; durationMs: number }[];
}

function run(args: string[]): Promise<Timed> {
  const reports = mkdtempSync(join(tmpdir(), 'rehearsal-bench-'));
  const started = performance.now();
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [cli, 'run', ...args, '--reports', reports],
      { cwd: packageRoot, maxBuffer: 64 << 20 },
      (error) => {
        const wallS = (performance.now() - started) / 1000;
        try {
          const [runId] = readdirSync(reports);
          const report = JSON.parse(readFileSync(join(reports, runId!, 'report.json'), 'utf8')) as {
            scenarios: Timed['scenarios'];
          };
          resolve({
            wallS,
            scenarios: report.scenarios.map((s) => ({
              name: s.name,
              status: s.status,
              durationMs: s.durationMs,
            })),
          });
        } catch (e) {
          reject(error ?? e);
        } finally {
          rmSync(reports, { recursive: true, force: true });
        }
      },
    );
  });
}

function line(label: string, t: Timed, targetS: number, unitS: number): string {
  const work = t.scenarios.reduce((s, x) => s + x.durationMs, 0) / 1000;
  const passed = t.scenarios.filter((s) => s.status === 'passed').length;
  const others = t.scenarios.filter((s) => s.status !== 'passed').map((s) => `${s.name} ${s.status}`);
  return [
    `${label}: ${t.scenarios.length} scenarios (${passed} passed${others.length ? `; ${others.join(', ')}` : ''}) in ${t.wallS.toFixed(0)} s wall`,
    `target ${targetS} s, ratio ${(t.wallS / targetS).toFixed(2)}`,
    `summed scenario time ${work.toFixed(0)} s (×${(work / t.wallS).toFixed(2)} from parallelism)`,
    `${(t.wallS / unitS).toFixed(1)}× one healthy scenario (${unitS.toFixed(1)} s)`,
  ].join('; ');
}

const parallel = String(values.parallel);
const reference = await run([join(paths.scenarios, 'canary-healthy-all-checks.yaml')]);
const out: string[] = [`reference: one healthy matrix scenario, ${reference.wallS.toFixed(1)} s wall`];
if (values.only !== 'matrix')
  out.push(line('default run (`rehearse run`)', await run([]), 180, reference.wallS));
if (values.only !== 'default')
  out.push(
    line(
      `whole matrix (\`rehearse run scenarios/ --parallel ${parallel}\`)`,
      await run([paths.scenarios, '--parallel', parallel]),
      900,
      reference.wallS,
    ),
  );
process.stdout.write(`${out.join('\n')}\n`);
