import { routerMetrics as names } from './metric-names.js';

/** Histogram upper bounds in seconds, fine enough for p50/p95/p99 estimates between 1 ms and 10 s. */
export const LATENCY_BUCKETS = [
  0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1, 1.5, 2, 3, 5, 10,
] as const;

/** Why a request to an upstream failed, as the `kind` label of `rehearsal_router_upstream_errors_total`. */
export type UpstreamErrorKind = 'connect' | 'reset' | 'timeout';

/** Live counters of one version; the proxy holds a reference and updates it in place. */
export class VersionStats {
  /** Non-cumulative count per bucket; the last slot is +Inf. */
  readonly buckets = new Array<number>(LATENCY_BUCKETS.length + 1).fill(0);
  /** Sum of observed durations in seconds. */
  sum = 0;
  /** Number of observed durations. */
  count = 0;
  /** Requests currently being served. */
  inflight = 0;
  /** Upstream failures by kind. */
  readonly upstreamErrors = new Map<UpstreamErrorKind, number>();
  /** Mirrored requests by response code (`error` when no response came back). */
  readonly mirrored = new Map<string, number>();
  /** Mirrored responses that carried `x-rehearsal-fault`, by its value (evidence of a fault no user saw). */
  readonly mirrorFaults = new Map<string, number>();

  /** Responses the router shaped itself with a service-side fault, by fault (`http-errors`). */
  readonly injectedFaults = new Map<string, number>();

  /** Counts one response the router answered or altered itself for a fault. */
  injected(fault: string): void {
    this.injectedFaults.set(fault, (this.injectedFaults.get(fault) ?? 0) + 1);
  }

  /** Records one request duration. */
  observe(seconds: number): void {
    let i = 0;
    while (i < LATENCY_BUCKETS.length && seconds > LATENCY_BUCKETS[i]!) i++;
    this.buckets[i]!++;
    this.sum += seconds;
    this.count++;
  }

  /** Counts one upstream failure. */
  upstreamError(kind: UpstreamErrorKind): void {
    this.upstreamErrors.set(kind, (this.upstreamErrors.get(kind) ?? 0) + 1);
  }

  /** Counts one mirrored request by the code it got. */
  mirror(code: string): void {
    this.mirrored.set(code, (this.mirrored.get(code) ?? 0) + 1);
  }

  /** Counts one mirrored response marked with a fault. */
  mirrorFault(fault: string): void {
    this.mirrorFaults.set(fault, (this.mirrorFaults.get(fault) ?? 0) + 1);
  }
}

/** Request counts of one instance by response code. */
export type CodeCounts = Map<number | string, number>;

/** All router metrics; counters survive route-table changes so they stay monotonic. */
export class RouterMetrics {
  private readonly versions = new Map<string, VersionStats>();
  private readonly instances = new Map<string, { version: string; instance: string; codes: CodeCounts }>();

  /** The stats object of `version`, created on first use. */
  version(version: string): VersionStats {
    let stats = this.versions.get(version);
    if (stats === undefined) {
      stats = new VersionStats();
      this.versions.set(version, stats);
    }
    return stats;
  }

  /** The per-code request counts of one instance, created on first use. */
  instance(version: string, instance: string): CodeCounts {
    const key = `${version}\u0000${instance}`;
    let entry = this.instances.get(key);
    if (entry === undefined) {
      entry = { version, instance, codes: new Map() };
      this.instances.set(key, entry);
    }
    return entry.codes;
  }

  /** Prometheus text exposition (format 0.0.4) of every metric. */
  render(): string {
    const out: string[] = [];
    out.push(`# HELP ${names.requests} Requests answered by the router.`);
    out.push(`# TYPE ${names.requests} counter`);
    for (const { version, instance, codes } of this.instances.values()) {
      for (const [code, n] of codes) {
        out.push(`${names.requests}{${labels({ version, instance, code: String(code) })}} ${n}`);
      }
    }
    const duration = names.requestDuration;
    out.push(`# HELP ${duration} Request duration seen by the router.`);
    out.push(`# TYPE ${duration} histogram`);
    for (const [version, s] of this.versions) {
      let cumulative = 0;
      LATENCY_BUCKETS.forEach((le, i) => {
        cumulative += s.buckets[i]!;
        out.push(`${duration}_bucket{${labels({ version, le: String(le) })}} ${cumulative}`);
      });
      out.push(`${duration}_bucket{${labels({ version, le: '+Inf' })}} ${s.count}`);
      out.push(`${duration}_sum{${labels({ version })}} ${s.sum}`);
      out.push(`${duration}_count{${labels({ version })}} ${s.count}`);
    }
    this.family(out, names.upstreamErrors, 'counter', 'Upstream failures by kind.', (version, s) =>
      [...s.upstreamErrors].map(([kind, n]) => [labels({ version, kind }), n]),
    );
    this.family(out, names.inflight, 'gauge', 'Requests in flight.', (version, s) => [
      [labels({ version }), s.inflight],
    ]);
    this.family(out, names.mirrorRequests, 'counter', 'Mirrored (shadow) requests by code.', (version, s) =>
      [...s.mirrored].map(([code, n]) => [labels({ version, code }), n]),
    );
    this.family(
      out,
      names.mirrorFaults,
      'counter',
      'Mirrored (shadow) responses marked with x-rehearsal-fault, by fault.',
      (version, s) => [...s.mirrorFaults].map(([fault, n]) => [labels({ version, fault }), n]),
    );
    this.family(
      out,
      names.injectedFaults,
      'counter',
      'Responses the router answered itself for a service-side fault (marked x-rehearsal-fault), by fault.',
      (version, s) => [...s.injectedFaults].map(([fault, n]) => [labels({ version, fault }), n]),
    );
    return `${out.join('\n')}\n`;
  }

  private family(
    out: string[],
    name: string,
    type: string,
    help: string,
    rows: (version: string, s: VersionStats) => [string, number][],
  ): void {
    out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    for (const [version, s] of this.versions) {
      for (const [l, n] of rows(version, s)) out.push(`${name}{${l}} ${n}`);
    }
  }
}

function labels(values: Record<string, string>): string {
  return Object.entries(values)
    .map(([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`)
    .join(',');
}
