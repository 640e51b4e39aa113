import { createServer, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ConnectionPool, type ExchangeSink, type UpstreamError } from '../../sim/router/upstream-client.js';

interface Outcome {
  status?: number;
  body: string;
  error?: UpstreamError;
}

function send(pool: ConnectionPool, head: string, body?: string): Promise<Outcome> {
  return new Promise((resolve) => {
    const out: Outcome = { body: '' };
    const sink: ExchangeSink = {
      head: (status) => {
        out.status = status;
      },
      data: (c) => {
        out.body += c.toString();
      },
      end: () => resolve(out),
      error: (error) => resolve({ ...out, error }),
    };
    const req = pool.request(head, sink, { noBody: false, body: body !== undefined });
    if (body !== undefined) {
      req.write(Buffer.from(body));
      req.end();
    }
  });
}

let closers: (() => void)[] = [];
afterEach(() => {
  for (const close of closers) close();
  closers = [];
});

/** A raw HTTP server answering `ok`, except that the n-th request on a connection may be dropped. */
async function rawServer(dropSecondRequest: boolean): Promise<{ port: number; connections: () => number }> {
  let connections = 0;
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    connections++;
    sockets.add(socket);
    let seen = 0;
    socket.on('data', (d) => {
      const requests = d.toString().split('\r\n\r\n').length - 1;
      for (let i = 0; i < requests; i++) {
        seen++;
        if (dropSecondRequest && seen === 2) return socket.destroy();
        socket.write(
          `HTTP/1.1 200 OK\r\nContent-Length: ${String(connections).length + 1}\r\n\r\nc${connections}`,
        );
      }
    });
    socket.on('error', () => undefined);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  closers.push(() => {
    for (const s of sockets) s.destroy();
    server.close();
  });
  const address = server.address();
  return { port: typeof address === 'object' && address ? address.port : 0, connections: () => connections };
}

const GET = 'GET / HTTP/1.1\r\nhost: x\r\n\r\n';

describe('ConnectionPool', () => {
  it('reuses one keep-alive connection for sequential requests', async () => {
    const server = await rawServer(false);
    const pool = new ConnectionPool('127.0.0.1', server.port, 1000);
    closers.push(() => pool.close());
    for (let i = 0; i < 5; i++) expect(await send(pool, GET)).toEqual({ status: 200, body: 'c1' });
    expect(server.connections()).toBe(1);
  });

  it('retries a bodiless request once on a fresh connection when a pooled one was dropped', async () => {
    const server = await rawServer(true);
    const pool = new ConnectionPool('127.0.0.1', server.port, 1000);
    closers.push(() => pool.close());
    expect(await send(pool, GET)).toEqual({ status: 200, body: 'c1' });
    expect(await send(pool, GET)).toEqual({ status: 200, body: 'c2' });
    const post = await send(pool, 'POST / HTTP/1.1\r\ncontent-length: 1\r\n\r\n', 'x');
    expect(post.error?.kind).toBe('reset');
  });

  it('does not reuse a connection whose answer came before the request body was complete', async () => {
    const server = await rawServer(false);
    const pool = new ConnectionPool('127.0.0.1', server.port, 1000);
    closers.push(() => pool.close());
    const early = await new Promise<Outcome>((resolve) => {
      const out: Outcome = { body: '' };
      pool.request(
        'POST / HTTP/1.1\r\ncontent-length: 100\r\n\r\n',
        {
          head: (status) => {
            out.status = status;
          },
          data: (c) => {
            out.body += c.toString();
          },
          end: () => resolve(out),
          error: (error) => resolve({ ...out, error }),
        },
        { noBody: false, body: true },
      );
    });
    expect(early).toEqual({ status: 200, body: 'c1' });
    expect(await send(pool, GET)).toEqual({ status: 200, body: 'c2' });
  });

  it('classifies refused connections and silent upstreams', async () => {
    const server = await rawServer(false);
    closers.shift()?.();
    const refused = await send(new ConnectionPool('127.0.0.1', server.port, 1000), GET);
    expect(refused.error?.kind).toBe('connect');
    const silent = createServer(() => undefined);
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const address = silent.address();
    const pool = new ConnectionPool(
      '127.0.0.1',
      typeof address === 'object' && address ? address.port : 0,
      100,
    );
    closers.push(() => {
      pool.close();
      silent.close();
    });
    expect((await send(pool, GET)).error?.kind).toBe('timeout');
  });
});
