/**
 * What changed between two engines' results, when the golden digests say something did: every golden case
 * (bench/simulate-golden.ts) is rehearsed with both builds on one thread, and each run's full record is compared
 * field by field. Strings, booleans and the shape must be equal; numbers equal, or within a relative tolerance
 * (default 1e-9: rounding noise of a different but equivalent computation, not a different answer). Prints how many
 * records are byte-identical, how many differ only within the tolerance (and the largest relative difference, with
 * the fields it was seen in), and every difference beyond it; exits 1 if there is one.
 *
 *   npx tsc -p tsconfig.json && node dist/bench/simulate-diff.js OTHER/dist [tolerance]
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { SimulatedRun } from '../sim/simulate/simulate-scenario.js';
import { packageRoot } from '../sim/util/paths.js';
import { engineAt, type SimulationEngine, thisEngine } from './simulate-engine.js';
import { goldenCases } from './simulate-golden.js';

/** One difference between two values at a path of a record. */
export interface Difference {
  path: string;
  a: unknown;
  b: unknown;
  /** For two numbers: |a − b| / max(|a|, |b|). */
  relative?: number;
}

/** Every difference between `a` and `b`, numbers compared with `tolerance` (the ones within it are listed too, flagged by `relative`). */
export function differences(a: unknown, b: unknown, path = ''): Difference[] {
  if (Object.is(a, b)) return [];
  if (typeof a === 'number' && typeof b === 'number') {
    const relative = Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b));
    return [{ path, a, b, relative: Number.isNaN(relative) ? Number.POSITIVE_INFINITY : relative }];
  }
  if (
    typeof a !== 'object' ||
    typeof b !== 'object' ||
    a === null ||
    b === null ||
    Array.isArray(a) !== Array.isArray(b)
  )
    return [{ path, a, b }];
  const out: Difference[] = [];
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const k of keys)
    out.push(
      ...differences(
        (a as Record<string, unknown>)[k],
        (b as Record<string, unknown>)[k],
        `${path}${Array.isArray(a) ? `[${k}]` : `.${k}`}`,
      ),
    );
  return out;
}

async function records(engine: SimulationEngine): Promise<Map<string, SimulatedRun>> {
  const model = engine.loadModel(join(packageRoot, 'fixtures/judge-model.json'));
  const out = new Map<string, SimulatedRun>();
  for (const c of goldenCases) {
    const path = join(packageRoot, c.file);
    const { scenario, problems } = engine.parseScenario(readFileSync(path, 'utf8'), path);
    if (!scenario) throw new Error(`simulate-diff: ${c.file} does not parse: ${problems.join('; ')}`);
    await engine.simulateMany(scenario, model, {
      runs: c.runs,
      seed: scenario.seed,
      policies: c.policies,
      threads: 1,
      records: 'full',
      onRun: (policy, r) => out.set(`${c.file} ${policy} seed ${r.seed}`, r),
    });
  }
  return out;
}

// Run as a program (importing this file only gives `differences`).
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const other = process.argv[2];
  if (!other) {
    console.error(
      'usage: node dist/bench/simulate-diff.js OTHER/dist [tolerance]  (OTHER: another build of this package)',
    );
    process.exit(2);
  }
  const tolerance = Number(process.argv[3] ?? 1e-9);
  const a = await records(await engineAt(other));
  const b = await records(thisEngine);
  let identical = 0;
  let close = 0;
  let worst = 0;
  const where = new Map<string, number>();
  const beyond: string[] = [];
  for (const [key, ra] of a) {
    const rb = b.get(key);
    if (!rb) {
      beyond.push(`${key}: missing from this build`);
      continue;
    }
    const diffs = differences(ra, rb);
    if (diffs.length === 0) {
      identical++;
      continue;
    }
    let within = true;
    for (const d of diffs) {
      if (d.relative !== undefined && d.relative <= tolerance) {
        worst = Math.max(worst, d.relative);
        // Group the paths by field, without the array indices.
        const field = d.path.replace(/\[\d+\]/g, '[]');
        where.set(field, (where.get(field) ?? 0) + 1);
      } else {
        within = false;
        beyond.push(`${key} ${d.path}: ${JSON.stringify(d.a)} vs ${JSON.stringify(d.b)}`);
      }
    }
    if (within) close++;
  }
  console.log(
    `${a.size} records of ${goldenCases.length} golden cases, ${other} vs this build: ${identical} identical, ${close} differ only by at most ${worst.toExponential(2)} relative (tolerance ${tolerance})`,
  );
  for (const [field, n] of [...where].sort((x, y) => y[1] - x[1]))
    console.log(`  within tolerance: ${field} (${n}×)`);
  for (const line of beyond.slice(0, 40)) console.log(`  DIFFERENT: ${line}`);
  if (beyond.length > 40) console.log(`  … and ${beyond.length - 40} more`);
  process.exit(beyond.length > 0 ? 1 : 0);
}
