import type { RateResult, Saturation } from './measure.js';
import type { OpenLoopResult } from './open-loop.js';

/** Raw measurements of one benchmark run. */
export interface BenchReport {
  generatedAt: string;
  mode: 'smoke' | 'full';
  machine: { node: string; cpus: number; loadavg: number[] };
  config: Record<string, unknown> & {
    saturationSeconds: number;
    wrkConnections: number;
    latencyRate: number;
  };
  /** wrk closed-loop requests per second per target. */
  saturation: Saturation;
  /** Open-model latency per rate and target. */
  latency: RateResult[];
  /** Non-2xx answers the router counted during the run. */
  routerNon2xx: number;
}

/** A proxy's latency at one rate, relative to the upstream reached directly. */
export interface AddedLatency {
  addedP50Ms: number;
  addedP99Ms: number;
  p50VsDirect: number;
  p99VsDirect: number;
}

/** A target of the performance issue and whether this run met it. */
export interface TargetCheck {
  name: string;
  value: number | null;
  limit: number;
  pass: boolean | null;
}

/** The measurements plus every ratio and the target checks, as written to JSON. */
export type FullReport = BenchReport & {
  throughput: {
    routerVsNginx: number | null;
    /** nginx's CPU time per request over the router's at saturation: the throughput ratio load cannot skew. */
    nginxCpuVsRouterCpu: number | null;
    routerVsDirect: number | null;
    nginxVsDirect: number | null;
  };
  added: {
    rate: number;
    router: AddedLatency;
    nginx: AddedLatency | null;
    routerAddedP50VsNginx: number | null;
  }[];
  targets: TargetCheck[];
};

const ratio = (a: number | undefined, b: number | undefined): number | null =>
  a === undefined || b === undefined || b === 0 ? null : a / b;

function addedLatency(proxy: OpenLoopResult, direct: OpenLoopResult): AddedLatency {
  return {
    addedP50Ms: proxy.p50Ms - direct.p50Ms,
    addedP99Ms: proxy.p99Ms - direct.p99Ms,
    p50VsDirect: proxy.p50Ms / direct.p50Ms,
    p99VsDirect: proxy.p99Ms / direct.p99Ms,
  };
}

/** Derives the ratios and targets, prints the table through `print`, and returns the full report. */
export function printReport(report: BenchReport, print: (line: string) => void): FullReport {
  const sat = report.saturation;
  const throughput = {
    routerVsNginx: ratio(sat.router?.rps, sat.nginx?.rps),
    nginxCpuVsRouterCpu: ratio(sat.nginx?.cpuUsPerRequest, sat.router?.cpuUsPerRequest),
    routerVsDirect: ratio(sat.router?.rps, sat.direct?.rps),
    nginxVsDirect: ratio(sat.nginx?.rps, sat.direct?.rps),
  };
  const added = report.latency.map(({ rate, results }) => {
    const { direct, router, nginx } = results;
    const r = addedLatency(router!, direct!);
    const n = nginx === undefined ? null : addedLatency(nginx, direct!);
    return {
      rate,
      router: r,
      nginx: n,
      routerAddedP50VsNginx: n === null ? null : ratio(r.addedP50Ms, n.addedP50Ms),
    };
  });
  const at = added.find((a) => a.rate === report.config.latencyRate);
  const check = (name: string, value: number | null, limit: number, atLeast: boolean): TargetCheck => ({
    name,
    value,
    limit,
    pass: value === null ? null : atLeast ? value >= limit : value <= limit,
  });
  const targets = [
    check('router throughput / nginx throughput >= 0.6', throughput.routerVsNginx, 0.6, true),
    check(
      `router added p50 at ${report.config.latencyRate} req/s <= 0.5 ms`,
      at?.router.addedP50Ms ?? null,
      0.5,
      false,
    ),
  ];

  const f = (n: number | null | undefined, digits = 2): string =>
    n === null || n === undefined ? '-' : n.toFixed(digits);
  const row = (cells: string[], widths: number[]): string =>
    cells.map((c, i) => c.padStart(widths[i]!)).join('  ');
  const wrk = `wrk -t1 -c${report.config.wrkConnections} -d${report.config.saturationSeconds}s`;
  print(
    `Router bench (${report.mode}) — node ${report.machine.node}, ${report.machine.cpus} cpus, load ${report.machine.loadavg.map((l) => l.toFixed(2)).join(' ')}`,
  );
  const load = report.machine.loadavg[0] ?? 0;
  if (load > report.machine.cpus) {
    print(
      `WARNING: machine busy (1-min load ${load.toFixed(1)} on ${report.machine.cpus} cpus); ratios are noisy.`,
    );
  }
  print('');
  print(`Saturation, closed loop (${wrk}); weights ${JSON.stringify(report.config.weights)}`);
  const sw = [8, 10, 8, 10, 10, 8];
  print(row(['target', 'req/s', 'errors', 'vs direct', 'vs nginx', 'cpu us'], sw));
  for (const [name, s] of Object.entries(sat)) {
    print(
      row(
        [
          name,
          f(s.rps, 0),
          String(s.errors),
          f(ratio(s.rps, sat.direct?.rps)),
          f(ratio(s.rps, sat.nginx?.rps)),
          f(s.cpuUsPerRequest, 1),
        ],
        sw,
      ),
    );
  }
  print(`nginx CPU per request / router CPU per request at saturation: ${f(throughput.nginxCpuVsRouterCpu)}`);
  print('');
  print('Open model (fixed rate; latency from the intended send time, ms)');
  const lw = [6, 8, 7, 7, 9, 9, 8, 8, 9, 6, 8];
  print(
    row(
      [
        'rate',
        'target',
        'p50',
        'p99',
        'added50',
        'added99',
        'p50/dir',
        'p99/dir',
        'achieved',
        'errors',
        'cpu us',
      ],
      lw,
    ),
  );
  for (const { rate, results, cpuUsPerRequest } of report.latency) {
    const direct = results.direct!;
    for (const [name, r] of Object.entries(results)) {
      const a = name === 'direct' ? null : addedLatency(r, direct);
      print(
        row(
          [
            String(rate),
            name,
            f(r.p50Ms, 3),
            f(r.p99Ms, 3),
            f(a?.addedP50Ms, 3),
            f(a?.addedP99Ms, 3),
            f(a?.p50VsDirect),
            f(a?.p99VsDirect),
            f(r.achievedRps, 0),
            String(r.errors),
            f(cpuUsPerRequest[name], 1),
          ],
          lw,
        ),
      );
    }
  }
  print(
    'cpu us = CPU microseconds per request of the target process (direct: the upstream; router, nginx: the proxy alone)',
  );
  print('');
  for (const t of targets)
    print(`${t.pass === null ? 'n/a ' : t.pass ? 'PASS' : 'FAIL'}  ${t.name}: ${f(t.value, 3)}`);
  return { ...report, throughput, added, targets };
}
