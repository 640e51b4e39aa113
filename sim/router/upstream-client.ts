import { connect, type Socket } from 'node:net';
import { cachedLookup } from './dns-cache.js';
import type { UpstreamErrorKind } from './metrics.js';
import { ResponseParser, type ResponseSink } from './response-parser.js';

/** A failed upstream exchange, classified for `rehearsal_router_upstream_errors_total`. */
export class UpstreamError extends Error {
  constructor(
    /** connect, reset or timeout. */
    readonly kind: UpstreamErrorKind,
    message: string,
    /** True when no byte of the response had arrived. */
    readonly beforeResponse: boolean,
  ) {
    super(message);
  }
}

/** The exchange's side of one upstream request. */
export interface ExchangeSink extends ResponseSink {
  /** The request failed; called at most once, never after `end`. */
  error(err: UpstreamError): void;
}

/** A request in flight on one connection. */
export interface UpstreamRequest {
  /** Writes request body bytes; false means wait for `onDrain`. Dropped once the response ended. */
  write(chunk: Buffer): boolean;
  /** The request body is complete; until then the connection is not reused. */
  end(): void;
  /** Calls `listener` once the connection can take more body bytes. */
  onDrain(listener: () => void): void;
  /** Stops reading the response (back-pressure from a slow client). */
  pause(): void;
  /** Resumes reading the response. */
  resume(): void;
  /** Gives up: the connection is closed and no sink callback follows. */
  abort(): void;
}

interface Conn {
  socket: Socket;
  parser: ResponseParser | undefined;
  sink: ExchangeSink | undefined;
  connected: boolean;
  gotBytes: boolean;
  reused: boolean;
  /** When it last went back to the idle list (ms, wall clock). */
  idleSince: number;
  retry: (() => void) | undefined;
  bodyPending: boolean;
}

class Pending implements UpstreamRequest {
  constructor(
    public conn: Conn,
    private readonly sink: ExchangeSink,
  ) {}
  write(chunk: Buffer): boolean {
    return this.conn.sink === this.sink ? this.conn.socket.write(chunk) : true;
  }
  end(): void {
    if (this.conn.sink === this.sink) this.conn.bodyPending = false;
  }
  onDrain(listener: () => void): void {
    this.conn.socket.once('drain', listener);
  }
  pause(): void {
    if (this.conn.sink === this.sink) this.conn.socket.pause();
  }
  resume(): void {
    if (this.conn.sink === this.sink) this.conn.socket.resume();
  }
  abort(): void {
    if (this.conn.sink !== this.sink) return;
    this.conn.sink = undefined;
    this.conn.socket.destroy();
  }
}

const CONNECT_CODES = new Set([
  'ECONNREFUSED',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EADDRNOTAVAIL',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/**
 * How long a pooled connection may sit idle before we stop reusing it. Below Node's default server
 * keepAliveTimeout (5 s), so we never write a request with a body onto a socket the upstream is closing
 * (that race cannot be retried safely and would show as a 502 the release did not cause).
 */
export const IDLE_REUSE_MS = 2000;

/** Keep-alive HTTP/1.1 connections to one instance; cheaper per request than `http.request` with an Agent. */
export class ConnectionPool {
  private readonly idle: Conn[] = [];
  private readonly all = new Set<Conn>();

  constructor(
    private readonly host: string,
    private readonly port: number,
    private readonly timeoutMs: number,
  ) {}

  /** Sends `head` on an idle or new connection; the returned handle streams a body and controls the response. */
  request(head: string, sink: ExchangeSink, options: { noBody: boolean; body: boolean }): UpstreamRequest {
    const { noBody, body } = options;
    const conn = this.takeIdle() ?? this.open();
    const handle = new Pending(conn, sink);
    conn.parser = new ResponseParser(sink, noBody);
    conn.sink = sink;
    conn.gotBytes = false;
    conn.bodyPending = body;
    conn.retry =
      !body && conn.reused
        ? () => {
            // The upstream closed this pooled connection just before we wrote: once more on a fresh one.
            const fresh = this.request(head, sink, { noBody, body }) as Pending;
            handle.conn = fresh.conn;
          }
        : undefined;
    conn.socket.write(head);
    return handle;
  }

  /** The most recently idled connection still fresh enough to reuse; staler ones are closed. */
  private takeIdle(): Conn | undefined {
    const now = Date.now();
    while (this.idle.length > 0) {
      const conn = this.idle.pop()!;
      if (now - conn.idleSince < IDLE_REUSE_MS) return conn;
      conn.socket.destroy();
    }
    return undefined;
  }

  /** Closes every connection, idle or busy. */
  close(): void {
    for (const conn of this.all) conn.socket.destroy();
  }

  private open(): Conn {
    const socket = connect({ host: this.host, port: this.port, noDelay: true, lookup: cachedLookup });
    const conn: Conn = {
      socket,
      parser: undefined,
      sink: undefined,
      connected: false,
      gotBytes: false,
      reused: false,
      retry: undefined,
      bodyPending: false,
      idleSince: 0,
    };
    this.all.add(conn);
    socket.on('connect', () => {
      conn.connected = true;
    });
    socket.on('data', (chunk: Buffer) => this.onData(conn, chunk));
    // One socket timeout for the connection's whole life (re-arming it per request costs a timer each time):
    // busy, it fails the request; idle, it just closes the connection.
    socket.setTimeout(this.timeoutMs);
    socket.on('timeout', () => {
      if (conn.sink === undefined) {
        socket.destroy();
        return;
      }
      this.fail(
        conn,
        new UpstreamError('timeout', `no data from upstream within ${this.timeoutMs} ms`, !conn.gotBytes),
      );
    });
    socket.on('error', (err: NodeJS.ErrnoException) => {
      const kind = !conn.connected && CONNECT_CODES.has(err.code ?? '') ? 'connect' : 'reset';
      this.fail(conn, new UpstreamError(kind, err.message, !conn.gotBytes));
    });
    socket.on('close', () => {
      this.all.delete(conn);
      const at = this.idle.indexOf(conn);
      if (at >= 0) this.idle.splice(at, 1);
      if (conn.parser !== undefined && conn.sink !== undefined) {
        if (conn.parser.closed()) conn.sink = undefined;
        else
          this.fail(
            conn,
            new UpstreamError('reset', 'upstream closed the connection mid-response', !conn.gotBytes),
          );
      }
    });
    return conn;
  }

  private onData(conn: Conn, chunk: Buffer): void {
    const parser = conn.parser;
    if (parser === undefined || conn.sink === undefined) {
      conn.socket.destroy();
      return;
    }
    conn.gotBytes = true;
    const problem = parser.push(chunk);
    if (parser.done) {
      conn.parser = undefined;
      conn.sink = undefined;
      conn.retry = undefined;
      // An answer that came before the whole request body was sent leaves the connection mid-request.
      if (problem === undefined && parser.reusable && !conn.bodyPending) this.release(conn);
      else conn.socket.destroy();
    } else if (problem !== undefined) {
      this.fail(conn, new UpstreamError('reset', problem, false));
    }
  }

  private release(conn: Conn): void {
    conn.reused = true;
    conn.idleSince = Date.now();
    conn.socket.resume();
    this.idle.push(conn);
  }

  private fail(conn: Conn, err: UpstreamError): void {
    const sink = conn.sink;
    const retry = conn.retry;
    conn.sink = undefined;
    conn.parser = undefined;
    conn.retry = undefined;
    conn.socket.destroy();
    if (sink === undefined) return;
    if (retry !== undefined && err.beforeResponse && err.kind !== 'timeout') retry();
    else sink.error(err);
  }
}
