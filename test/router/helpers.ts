import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { Agent, request } from 'undici';
import type { RouteTable } from '../../sim/router/route-table.js';
import { type RunningRouter, startRouter } from '../../sim/router/router.js';
import { RouterClient } from '../../sim/router-client/client.js';

export const TOKEN = 'test-token';

/** What an upstream saw of one request. */
export interface Seen {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A tiny real HTTP upstream on 127.0.0.1:0. */
export interface TestUpstream {
  url: string;
  seen: Seen[];
  close(): Promise<void>;
}

type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;

export async function startUpstream(name: string, handler?: Handler): Promise<TestUpstream> {
  const seen: Seen[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString();
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      if (handler) return handler(req, res, body);
      res.setHeader('content-type', 'text/plain');
      res.end(`${name}:${body}`);
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A router started in-process with a client and a keep-alive HTTP agent for the data plane. */
export interface TestRouter {
  router: RunningRouter;
  client: RouterClient;
  get(path: string, headers?: Record<string, string>, body?: string): Promise<Reply>;
  close(): Promise<void>;
}

export interface Reply {
  status: number;
  servedBy: string;
  body: string;
  headers: Record<string, string | string[] | undefined>;
}

export async function startTestRouter(routes?: RouteTable, upstreamTimeoutMs?: number): Promise<TestRouter> {
  const router = await startRouter({ port: 0, adminPort: 0, token: TOKEN, upstreamTimeoutMs });
  const client = new RouterClient(router.adminUrl, TOKEN);
  if (routes) await client.putRoutes(routes);
  const agent = new Agent({ connections: 64 });
  return {
    router,
    client,
    async get(path, headers = {}, body) {
      const res = await request(`${router.url}${path}`, {
        method: body === undefined ? 'GET' : 'POST',
        headers,
        body,
        dispatcher: agent,
      });
      const text = await res.body.text();
      return {
        status: res.statusCode,
        servedBy: String(res.headers['x-served-by']),
        body: text,
        headers: res.headers,
      };
    },
    async close() {
      await agent.close();
      await router.close();
    },
  };
}

/** One Prometheus sample. */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/;

/** Parses Prometheus text; throws on any line that is not a comment or a well-formed sample. */
export function parseMetrics(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = LINE.exec(line);
    if (!m) throw new Error(`malformed metrics line: ${line}`);
    const labels: Record<string, string> = {};
    for (const pair of (m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[pair[1]!] = pair[2]!;
    const value = Number(m[3]);
    if (Number.isNaN(value)) throw new Error(`bad value in: ${line}`);
    samples.push({ name: m[1]!, labels, value });
  }
  return samples;
}

/** Sum of the samples named `name` whose labels include `match`. */
export function metricValue(samples: Sample[], name: string, match: Record<string, string> = {}): number {
  return samples
    .filter((s) => s.name === name && Object.entries(match).every(([k, v]) => s.labels[k] === v))
    .reduce((sum, s) => sum + s.value, 0);
}

/** Two-sided tolerance for a binomial count: `z` standard deviations around n·p. */
export function binomialBounds(n: number, p: number, z = 4.5): [number, number] {
  const sd = Math.sqrt(n * p * (1 - p));
  return [n * p - z * sd, n * p + z * sd];
}

/** Runs `tasks` with at most `limit` in flight. */
export async function parallel<T>(
  count: number,
  limit: number,
  task: (i: number) => Promise<T>,
): Promise<T[]> {
  const results: T[] = new Array(count);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      const i = next++;
      results[i] = await task(i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, count) }, worker));
  return results;
}

export function table(pools: Record<string, string[]>, extra: Partial<RouteTable> = {}): RouteTable {
  const out: RouteTable = { pools: {}, weights: {}, rules: [], sticky: false, mirror: null, faults: {} };
  for (const [version, urls] of Object.entries(pools)) {
    out.pools[version] = urls.map((url, i) => ({ id: `${version}-${i}`, url }));
    out.weights[version] = 0;
  }
  return { ...out, ...extra };
}
