// Placeholder until the router branch lands: same contract as sim/router/README.md.
/** One upstream instance in a pool. */
export interface PoolMember {
  id: string;
  url: string;
}

/** The router's route table (see sim/router/README.md). */
export interface RouteTable {
  pools: Record<string, PoolMember[]>;
  weights: Record<string, number>;
  rules?: unknown[];
  sticky?: boolean;
  mirror?: { version: string; percent: number } | null;
  faults?: Record<string, Record<string, unknown>>;
}

/** A typed client of the router's admin API. */
export class RouterClient {
  constructor(
    readonly adminUrl: string,
    private readonly token: string,
  ) {}

  async getRoutes(): Promise<RouteTable> {
    const res = await fetch(`${this.adminUrl}/routes`, { headers: { authorization: `Bearer ${this.token}` } });
    if (!res.ok) throw new Error(`router GET /routes: HTTP ${res.status}`);
    return (await res.json()) as RouteTable;
  }

  async putRoutes(table: RouteTable): Promise<void> {
    const res = await fetch(`${this.adminUrl}/routes`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${this.token}`, 'content-type': 'application/json' },
      body: JSON.stringify(table),
    });
    if (!res.ok) throw new Error(`router PUT /routes: HTTP ${res.status} ${await res.text()}`);
    await res.arrayBuffer();
  }

  async metricsText(): Promise<string> {
    const res = await fetch(`${this.adminUrl}/metrics`);
    if (!res.ok) throw new Error(`router GET /metrics: HTTP ${res.status}`);
    return res.text();
  }
}
