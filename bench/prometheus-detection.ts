import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RunReport } from '../sim/vocabulary/report-model.js';

// `node dist/bench/prometheus-detection.js [--seeds 42,43,44] [scenario files…]`
// Detection time with the built-in store against Prometheus on the same seeds: each scenario is rehearsed live
// once per seed with the built-in scraper (the reference, measured in the same run) and once with
// `--prometheus`, and the table prints both detection times and their ratio. The scenarios must have threshold
// checks only (a Prometheus answers those).

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const argv = process.argv.slice(2);
const seedsAt = argv.indexOf('--seeds');
const seeds = (seedsAt >= 0 ? argv[seedsAt + 1]! : '42,43,44').split(',').map(Number);
const files = argv.filter((a, i) => !a.startsWith('--') && i !== seedsAt + 1);
const scenarios =
  files.length > 0
    ? files
    : [
        'test/fixtures/prometheus/canary-error-spike.yaml',
        'scenarios/canary-latency.yaml',
        'scenarios/canary-wrong-verdicts.yaml',
      ];

interface Row {
  scenario: string;
  seed: number;
  builtin?: number | undefined;
  prometheus?: number | undefined;
  outcomes: string;
}

/** Rehearses `dir`'s scenarios live, with or without Prometheus; detection time and outcome by scenario name. */
function rehearse(dir: string, prometheus: boolean): Map<string, { detect?: number; outcome: string }> {
  const reports = join(dir, prometheus ? 'reports-prom' : 'reports-builtin');
  const args = [
    join(root, 'dist/sim/cli.js'),
    'run',
    ...readdirSync(dir)
      .filter((f) => f.endsWith('.yaml'))
      .map((f) => join(dir, f)),
    '--reports',
    reports,
  ];
  if (prometheus) args.push('--prometheus');
  spawnSync(process.execPath, args, { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  const [run] = readdirSync(reports);
  const report = JSON.parse(readFileSync(join(reports, run!, 'report.json'), 'utf8')) as RunReport;
  return new Map(
    report.scenarios.map((s) => [
      s.name,
      {
        ...(s.observed.timeToDetectMs !== undefined && s.observed.timeToDetectMs !== null
          ? { detect: s.observed.timeToDetectMs }
          : {}),
        outcome: s.observed.outcome ?? s.status,
      },
    ]),
  );
}

const rows: Row[] = [];
for (const seed of seeds) {
  const dir = mkdtempSync(join(tmpdir(), 'rehearsal-prom-bench-'));
  try {
    const names = new Map<string, string>();
    for (const file of scenarios) {
      const text = readFileSync(resolve(root, file), 'utf8');
      if (!/^seed: \d+$/m.test(text)) throw new Error(`${file}: no top-level "seed: N" line to vary`);
      writeFileSync(join(dir, basename(file)), text.replace(/^seed: \d+$/m, `seed: ${seed}`));
      names.set(/^name: (\S+)$/m.exec(text)![1]!, file);
    }
    const builtin = rehearse(dir, false);
    const prom = rehearse(dir, true);
    for (const [name] of names) {
      const b = builtin.get(name);
      const p = prom.get(name);
      rows.push({
        scenario: name,
        seed,
        builtin: b?.detect,
        prometheus: p?.detect,
        outcomes: `${b?.outcome ?? '?'} / ${p?.outcome ?? '?'}`,
      });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const s = (ms: number | undefined) => (ms === undefined ? '-' : `${(ms / 1000).toFixed(1)}s`);
console.log(
  '| scenario | seed | detect, built-in store | detect, Prometheus | ratio | outcome (built-in / Prometheus) |',
);
console.log('|---|---|---|---|---|---|');
for (const r of rows) {
  const ratio = r.builtin && r.prometheus ? `×${(r.prometheus / r.builtin).toFixed(2)}` : '-';
  console.log(
    `| ${r.scenario} | ${r.seed} | ${s(r.builtin)} | ${s(r.prometheus)} | ${ratio} | ${r.outcomes} |`,
  );
}
const both = rows.filter((r) => r.builtin !== undefined && r.prometheus !== undefined);
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
console.log(
  `\nmean over ${both.length} pair(s): built-in ${s(mean(both.map((r) => r.builtin!)))}, Prometheus ${s(mean(both.map((r) => r.prometheus!)))}`,
);
