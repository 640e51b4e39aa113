import { routerMetrics as names } from './metric-names.js';
import type { RouteTable } from './route-table.js';
import { WRITTEN_VERDICTS, type WrittenVerdict } from './verdicts.js';

/** Histogram upper bounds in seconds, fine enough for p50/p95/p99 estimates between 1 ms and 10 s. */
export const LATENCY_BUCKETS = [
  0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1, 1.5, 2, 3, 5, 10,
] as const;

/** Why a request to an upstream failed, as the `kind` label of `rehearsal_router_upstream_errors_total`. */
export type UpstreamErrorKind = 'connect' | 'reset' | 'timeout';

/** Every upstream error kind, each series created at 0 when its version is routed. */
export const UPSTREAM_ERROR_KINDS: readonly UpstreamErrorKind[] = ['connect', 'reset', 'timeout'];

/**
 * Codes of `rehearsal_router_requests_total` created at 0 for every upstream as soon as it is routed: a 2xx, the
 * 5xx the router and the judge service answer, `reset` and 499 (what the error-rate checks count). A series that
 * appears at its first error hides that error from Prometheus's `increase()`; one that exists at 0 does not.
 * Numbers as the proxy records them (`reset` is the only string), so no code is rendered twice.
 */
export const ZERO_CODES: readonly (number | string)[] = [200, 500, 502, 503, 504, 499, 'reset'];

/** Codes of `rehearsal_router_mirror_requests_total` created at 0 for the mirror version. */
export const ZERO_MIRROR_CODES: readonly string[] = ['200', '500', '503', 'error'];

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
  /** Upstream failures by kind, every kind from the start. */
  readonly upstreamErrors = new Map<UpstreamErrorKind, number>(UPSTREAM_ERROR_KINDS.map((k) => [k, 0]));
  /** Mirrored requests by response code (`error` when no response came back). */
  readonly mirrored = new Map<string, number>();
  /** Mirrored responses that carried `x-rehearsal-fault`, by its value (evidence of a fault no user saw). */
  readonly mirrorFaults = new Map<string, number>();

  /** Responses the router shaped itself with a service-side fault, by fault (`http-errors`). */
  readonly injectedFaults = new Map<string, number>();

  /**
   * Submissions created through this version whose verdict the router flipped (once each, whichever version was
   * polled), by the verdict written; every label exists from the start.
   */
  readonly rewrittenVerdicts = new Map<WrittenVerdict, number>(WRITTEN_VERDICTS.map((v) => [v, 0]));

  /** Counts one submission whose verdict the router flipped, by the verdict it wrote. */
  rewrittenVerdict(verdict: WrittenVerdict): void {
    this.rewrittenVerdicts.set(verdict, (this.rewrittenVerdicts.get(verdict) ?? 0) + 1);
  }

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

/** Request counts of one upstream instance by response code. */
export type CodeCounts = Map<number | string, number>;

/** The label naming the upstream instance on `rehearsal_router_requests_total`; not `instance`, which Prometheus
 * sets on every scraped series (a router's own `instance` would arrive as `exported_instance`). */
export const UPSTREAM_LABEL = 'upstream';

/** All router metrics; counters survive route-table changes so they stay monotonic. */
export class RouterMetrics {
  private readonly versions = new Map<string, VersionStats>();
  private readonly upstreams = new Map<string, { version: string; upstream: string; codes: CodeCounts }>();

  /** The stats object of `version`, created on first use. */
  version(version: string): VersionStats {
    let stats = this.versions.get(version);
    if (stats === undefined) {
      stats = new VersionStats();
      this.versions.set(version, stats);
    }
    return stats;
  }

  /** The per-code request counts of one upstream instance, created on first use with every `ZERO_CODES` at 0. */
  upstream(version: string, upstream: string): CodeCounts {
    const key = `${version}\u0000${upstream}`;
    let entry = this.upstreams.get(key);
    if (entry === undefined) {
      entry = { version, upstream, codes: new Map(ZERO_CODES.map((c) => [c, 0])) };
      this.upstreams.set(key, entry);
    }
    return entry.codes;
  }

  /**
   * Creates at 0 the series of every version the table can send requests to (pools, weights, rules, mirror):
   * the histogram, in-flight, upstream errors, and request codes per upstream (`none` for an empty pool, where
   * the router answers 503 itself); the mirror version also gets its mirror codes.
   */
  route(table: RouteTable): void {
    const versions = new Set([
      ...Object.keys(table.pools),
      ...Object.keys(table.weights),
      ...table.rules.map((r) => r.version),
    ]);
    for (const version of versions) {
      this.version(version);
      const pool = table.pools[version] ?? [];
      if (pool.length === 0) this.upstream(version, 'none');
      for (const inst of pool) this.upstream(version, inst.id);
    }
    if (table.mirror !== null) {
      const stats = this.version(table.mirror.version);
      for (const code of ZERO_MIRROR_CODES) if (!stats.mirrored.has(code)) stats.mirrored.set(code, 0);
    }
  }

  /** Prometheus text exposition (format 0.0.4) of every metric. */
  render(): string {
    const out: string[] = [];
    out.push(`# HELP ${names.requests} Requests answered by the router.`);
    out.push(`# TYPE ${names.requests} counter`);
    for (const { version, upstream, codes } of this.upstreams.values()) {
      for (const [code, n] of codes) {
        out.push(
          `${names.requests}{${labels({ version, [UPSTREAM_LABEL]: upstream, code: String(code) })}} ${n}`,
        );
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
      'Responses the router answered, delayed or rewrote itself for a service-side fault (marked x-rehearsal-fault), by fault.',
      (version, s) => [...s.injectedFaults].map(([fault, n]) => [labels({ version, fault }), n]),
    );
    this.family(
      out,
      names.rewrittenVerdicts,
      'counter',
      'Submissions created through the version whose verdict the router flipped (wrong-verdicts fault), by the verdict written.',
      (version, s) => [...s.rewrittenVerdicts].map(([verdict, n]) => [labels({ version, verdict }), n]),
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
