import type { CodeCounts, RouterMetrics } from './metrics.js';
import type { RouteTable } from './route-table.js';
import { ConnectionPool } from './upstream-client.js';

/** One upstream instance at run time: its connection pool, in-flight count and drain state. */
export class Upstream {
  /** `<version>/<instance-id>`, the value of `x-served-by`. */
  readonly servedBy: string;
  /** Host name or address to connect to. */
  readonly host: string;
  /** TCP port to connect to. */
  readonly port: number;
  /** Keep-alive connections to this instance only. */
  readonly connections: ConnectionPool;
  /** `host:port`, sent as Host when the client sent none. */
  readonly hostHeader: string;
  /** Requests (including mirrored ones) currently using this instance. */
  inflight = 0;
  /** True once the instance left the route table; it closes when its last request ends. */
  draining = false;

  constructor(
    /** Version this instance belongs to. */
    readonly version: string,
    /** Instance id from the route table. */
    readonly id: string,
    /** Base URL from the route table. */
    readonly url: string,
    /** Request counts by code, shared with the metrics. */
    readonly codes: CodeCounts,
    timeoutMs: number,
  ) {
    const parsed = new URL(url);
    this.servedBy = `${version}/${id}`;
    this.host = parsed.hostname.replace(/^\[|\]$/g, '');
    this.port = Number(parsed.port || 80);
    this.hostHeader = parsed.host;
    this.connections = new ConnectionPool(this.host, this.port, timeoutMs);
  }
}

/** Round-robin pools per version; instances removed from the table drain instead of being cut off. */
export class PoolSet {
  private pools = new Map<string, { members: Upstream[]; next: number }>();
  private readonly drainingSet = new Set<Upstream>();

  constructor(
    private readonly metrics: RouterMetrics,
    private readonly timeoutMs: number,
  ) {}

  /** Replaces the pools with the table's; unchanged instances (same version, id and URL) keep their connections. */
  apply(table: RouteTable): void {
    const old = new Map<string, Upstream>();
    for (const pool of this.pools.values())
      for (const u of pool.members) old.set(key(u.version, u.id, u.url), u);
    const pools = new Map<string, { members: Upstream[]; next: number }>();
    for (const [version, instances] of Object.entries(table.pools)) {
      const members = instances.map((inst) => {
        const k = key(version, inst.id, inst.url);
        const kept = old.get(k);
        old.delete(k);
        return (
          kept ??
          new Upstream(version, inst.id, inst.url, this.metrics.upstream(version, inst.id), this.timeoutMs)
        );
      });
      pools.set(version, { members, next: this.pools.get(version)?.next ?? 0 });
    }
    this.pools = pools;
    for (const gone of old.values()) {
      gone.draining = true;
      this.drainingSet.add(gone);
      this.closeIfIdle(gone);
    }
  }

  /** The next instance of `version` in round-robin order, or undefined when its pool is empty or unknown. */
  next(version: string): Upstream | undefined {
    const pool = this.pools.get(version);
    if (pool === undefined || pool.members.length === 0) return undefined;
    const upstream = pool.members[pool.next % pool.members.length];
    pool.next = (pool.next + 1) % pool.members.length;
    upstream!.inflight++;
    return upstream;
  }

  /** Marks one request on `upstream` finished; a draining instance closes after its last one. */
  release(upstream: Upstream): void {
    upstream.inflight--;
    if (upstream.draining) this.closeIfIdle(upstream);
  }

  /** Instances removed from the table that still have requests in flight. */
  draining(): { servedBy: string; inflight: number }[] {
    return [...this.drainingSet].map((u) => ({ servedBy: u.servedBy, inflight: u.inflight }));
  }

  /** Closes every connection pool, active or draining. */
  close(): void {
    for (const pool of this.pools.values()) for (const u of pool.members) u.connections.close();
    for (const u of this.drainingSet) u.connections.close();
    this.pools.clear();
    this.drainingSet.clear();
  }

  private closeIfIdle(upstream: Upstream): void {
    if (upstream.inflight > 0) return;
    upstream.connections.close();
    this.drainingSet.delete(upstream);
  }
}

const key = (version: string, id: string, url: string): string => `${version}\u0000${id}\u0000${url}`;
