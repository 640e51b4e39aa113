import type { RouteTable } from '../router/route-table.js';

/** An admin-API failure with the server's problems (if any) and a hint on what to do next. */
export class RouterClientError extends Error {
  constructor(
    message: string,
    /** HTTP status, or 0 when the router could not be reached. */
    readonly status: number,
    /** Every validation problem the router listed. */
    readonly problems: string[],
    /** What to do about it. */
    readonly hint: string,
    options?: { cause?: unknown },
  ) {
    super(
      problems.length > 0 ? `${message}:\n  ${problems.join('\n  ')}\n${hint}` : `${message} — ${hint}`,
      options,
    );
    this.name = 'RouterClientError';
  }
}

/** Typed client of the router's admin API. */
export class RouterClient {
  private readonly base: string;

  constructor(
    /** Admin base URL, e.g. `http://127.0.0.1:8001`. */
    adminUrl: string,
    private readonly token: string,
  ) {
    this.base = adminUrl.replace(/\/+$/, '');
  }

  /** The route table in force. */
  async getRoutes(): Promise<RouteTable> {
    return (await this.call('GET', '/routes')).json() as Promise<RouteTable>;
  }

  /** Replaces the route table; rejects with every problem when the router finds it invalid. */
  async putRoutes(table: RouteTable): Promise<RouteTable> {
    return (await this.call('PUT', '/routes', JSON.stringify(table))).json() as Promise<RouteTable>;
  }

  /** The Prometheus text of `GET /metrics`. */
  async metricsText(): Promise<string> {
    return (await this.call('GET', '/metrics')).text();
  }

  /** `GET /healthz`: liveness and the instances still draining. */
  async health(): Promise<{ ok: boolean; draining: { servedBy: string; inflight: number }[] }> {
    return (await this.call('GET', '/healthz')).json() as Promise<{
      ok: boolean;
      draining: { servedBy: string; inflight: number }[];
    }>;
  }

  private async call(method: string, path: string, body?: string): Promise<Response> {
    const url = `${this.base}${path}`;
    const headers: Record<string, string> = { authorization: `Bearer ${this.token}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    let res: Response;
    try {
      res = await fetch(url, { method, headers, body, signal: AbortSignal.timeout(10_000) });
    } catch (err) {
      const hint = 'is the router running? check its --admin-port and the listening line it printed';
      throw new RouterClientError(`router admin API unreachable at ${url}`, 0, [], hint, { cause: err });
    }
    if (res.ok) return res;
    const text = await res.text();
    let info: { error?: string; problems?: string[]; hint?: string } = {};
    try {
      info = JSON.parse(text) as typeof info;
    } catch {
      info = { error: text.slice(0, 200) };
    }
    const message = `${method} ${path} failed with ${res.status}: ${info.error ?? res.statusText}`;
    throw new RouterClientError(message, res.status, info.problems ?? [], info.hint ?? 'see the router log');
  }
}
