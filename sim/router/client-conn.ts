import type { Socket } from 'node:net';
import { BodyDecoder } from './body-decoder.js';
import { ClientResponse } from './client-response.js';
import { parseRequestHead } from './request-head.js';

const MAX_HEAD = 64 * 1024;
const MAX_BUFFERED = 1 << 20;

/** One parsed client request; its body arrives through `setBodySink`. */
export class ClientRequest {
  /** True once the whole body was received. */
  complete = false;
  private sink: { data: (chunk: Buffer) => void; end: () => void } | undefined;
  private pending: Buffer[] = [];

  constructor(
    /** Request method. */
    readonly method: string,
    /** Request target as sent. */
    readonly url: string,
    /** Header names and values in arrival order, flat. */
    readonly rawHeaders: string[],
    /** Lower-case header names; repeated fields joined. */
    readonly headers: Record<string, string>,
    private readonly socket: Socket,
  ) {}

  /** Receives the body (what arrived so far first); `end` follows the last slice. */
  setBodySink(data: (chunk: Buffer) => void, end: () => void): void {
    this.sink = { data, end };
    for (const chunk of this.pending) data(chunk);
    this.pending = [];
    if (this.complete) end();
  }

  /** Throws the body away (the request was answered without it). */
  discard(): void {
    this.setBodySink(
      () => undefined,
      () => undefined,
    );
  }

  /** Stops reading from the client (back-pressure). */
  pause(): void {
    this.socket.pause();
  }

  /** Resumes reading from the client. */
  resume(): void {
    this.socket.resume();
  }

  /** Resets the client connection. */
  destroySocket(): void {
    this.socket.destroy();
  }

  /** Connection side: one decoded body slice. */
  deliver(chunk: Buffer): void {
    if (this.sink === undefined) this.pending.push(Buffer.from(chunk));
    else this.sink.data(chunk);
  }

  /** Connection side: the body is complete. */
  finishBody(): void {
    this.complete = true;
    this.sink?.end();
  }
}

/** Serves HTTP/1.1 on one client socket, one request at a time (pipelined requests wait in the buffer). */
export class ClientConnection {
  private buf: Buffer | undefined;
  private decoder: BodyDecoder | undefined;
  private res: ClientResponse | undefined;
  private req: ClientRequest | undefined;
  private busy = false;
  private readEnded = false;
  private again = false;

  constructor(
    private readonly socket: Socket,
    private readonly handler: (req: ClientRequest, res: ClientResponse) => void,
    idleTimeoutMs: number,
  ) {
    socket.setNoDelay(true);
    socket.setTimeout(idleTimeoutMs);
    socket.on('timeout', () => {
      if (this.res === undefined) socket.destroy();
    });
    socket.on('data', (chunk: Buffer) => {
      this.buf = this.buf === undefined || this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
      this.process();
    });
    socket.on('error', () => undefined);
    // Half-open (allowHalfOpen on the server): a client may send its request and then shut its side down.
    socket.on('end', () => {
      this.readEnded = true;
      if (this.res === undefined) socket.end();
    });
    socket.on('close', () => this.res?.socketClosed());
  }

  private process(): void {
    if (this.busy) {
      this.again = true;
      return;
    }
    this.busy = true;
    do {
      this.again = false;
      this.step();
    } while (this.again);
    this.busy = false;
  }

  private step(): void {
    while (this.buf !== undefined && this.buf.length > 0 && !this.socket.destroyed) {
      if (this.decoder !== undefined) {
        const used = this.decoder.push(this.buf);
        if (typeof used === 'string') {
          this.socket.destroy();
          return;
        }
        this.buf = this.buf.subarray(used);
        if (this.decoder.done) this.endBody();
        continue;
      }
      if (this.res !== undefined) {
        if (this.buf.length > MAX_BUFFERED) this.socket.pause();
        return;
      }
      const end = this.buf.indexOf('\r\n\r\n');
      if (end < 0) {
        if (this.buf.length > MAX_HEAD) this.reject(431, 'request head too large');
        return;
      }
      const text = this.buf.toString('latin1', 0, end);
      this.buf = this.buf.subarray(end + 4);
      this.start(text);
    }
  }

  private start(text: string): void {
    const head = parseRequestHead(text);
    if (typeof head === 'string') {
      this.reject(400, head);
      return;
    }
    const { keepAlive } = head;
    const req = new ClientRequest(head.method, head.url, head.rawHeaders, head.headers, this.socket);
    const res = new ClientResponse(this.socket, head.method === 'HEAD', keepAlive, () =>
      this.finished(keepAlive),
    );
    this.res = res;
    this.req = req;
    if (head.chunked || head.length > 0) {
      this.decoder = new BodyDecoder(head.chunked, head.length, (chunk) => req.deliver(chunk));
      if (head.expectsContinue) this.socket.write('HTTP/1.1 100 Continue\r\n\r\n');
    } else {
      req.finishBody();
    }
    this.handler(req, res);
  }

  private endBody(): void {
    this.decoder = undefined;
    this.req?.finishBody();
  }

  private finished(keepAlive: boolean): void {
    // A response sent before its request body was fully read leaves the stream mid-message: close it.
    if (!keepAlive || this.decoder !== undefined || this.readEnded) {
      this.socket.end();
      return;
    }
    this.res = undefined;
    this.req = undefined;
    if (this.socket.isPaused()) this.socket.resume();
    this.process();
  }

  private reject(status: number, reason: string): void {
    const body = `${reason}\n`;
    this.socket.end(
      `HTTP/1.1 ${status} ${reason}\r\ncontent-type: text/plain\r\ncontent-length: ${body.length}\r\nconnection: close\r\n\r\n${body}`,
    );
    this.buf = undefined;
  }
}
