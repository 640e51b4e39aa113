import { createServer } from 'node:http';
import { type AddressInfo, createServer as createTcpServer, type Server, type Socket } from 'node:net';
import { adminApi } from './admin.js';
import { ClientConnection } from './client-conn.js';
import { dataPlane } from './proxy.js';
import type { RouteTable } from './route-table.js';
import { RouterState } from './state.js';
import { validateRouteTable } from './validate.js';

/** How to start a router. */
export interface RouterOptions {
  /** Interface to listen on; default `127.0.0.1`. */
  host?: string;
  /** Data-plane port; `0` picks a free one. */
  port: number;
  /** Admin API port; `0` picks a free one. */
  adminPort: number;
  /** Bearer token required by `GET/PUT /routes`. */
  token: string;
  /** Idle time before an upstream request fails as `timeout` (504); default 30 000 ms. */
  upstreamTimeoutMs?: number;
  /** Table to start with; default: no pools (every request gets 503). */
  routes?: RouteTable;
}

/** A running router; `close()` stops both listeners and drops every connection. */
export interface RunningRouter {
  /** Data-plane port actually bound. */
  port: number;
  /** Admin port actually bound. */
  adminPort: number;
  /** Data-plane base URL. */
  url: string;
  /** Admin base URL. */
  adminUrl: string;
  /** Stops the router. */
  close(): Promise<void>;
}

const CLIENT_IDLE_MS = 65_000;

/** Starts the data plane and the admin API in this process. */
export async function startRouter(options: RouterOptions): Promise<RunningRouter> {
  if (options.token === '')
    throw new Error('router admin token is empty — set REHEARSAL_ROUTER_TOKEN or pass --admin-token-file');
  const host = options.host ?? '127.0.0.1';
  const state = new RouterState(options.upstreamTimeoutMs ?? 5_000);
  if (options.routes !== undefined) {
    const checked = validateRouteTable(options.routes);
    if (!checked.ok) throw new Error(`initial route table is invalid:\n  ${checked.problems.join('\n  ')}`);
    state.setTable(checked.table);
  }
  // The data plane speaks HTTP/1.1 itself (client-conn.ts): Node's http.Server cost as much per request again.
  const handler = dataPlane(state);
  const data = createTcpServer(
    { allowHalfOpen: true },
    (socket) => new ClientConnection(socket, handler, CLIENT_IDLE_MS),
  );
  const admin = createServer(adminApi(state, options.token));
  const dataSockets = track(data);
  const adminSockets = track(admin);
  try {
    await listen(data, options.port, host);
    await listen(admin, options.adminPort, host);
  } catch (err) {
    data.close();
    admin.close();
    throw err;
  }
  const port = (data.address() as AddressInfo).port;
  const adminPort = (admin.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  return {
    port,
    adminPort,
    url: `http://${urlHost}:${port}`,
    adminUrl: `http://${urlHost}:${adminPort}`,
    async close() {
      const closed = Promise.all([close(data), close(admin)]);
      for (const s of [...dataSockets, ...adminSockets]) s.destroy();
      state.pools.close();
      await closed;
    },
  };
}

function track(server: Server): Set<Socket> {
  const sockets = new Set<Socket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  return sockets;
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException): void => {
      const hint = err.code === 'EADDRINUSE' ? ` — port ${port} is taken; pick another or pass 0` : '';
      reject(new Error(`router cannot listen on ${host}:${port}: ${err.message}${hint}`, { cause: err }));
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}
