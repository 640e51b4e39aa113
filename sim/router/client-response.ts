import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';

const CRLF = '\r\n';
const LAST_CHUNK = Buffer.from('0\r\n\r\n');

/** The answer to one client request, written straight to the client socket (a lean `ServerResponse`). */
export class ClientResponse {
  /** True once the status line and headers went out (or are queued with the first body bytes). */
  headersSent = false;
  /** Status given to `writeHead`. */
  statusCode = 200;
  /** True once `end` was called and everything was handed to the socket. */
  finished = false;
  private head = '';
  private chunked = false;
  private closeListener: ((finished: boolean) => void) | undefined;
  private closed = false;

  constructor(
    private readonly socket: Socket,
    /** HEAD requests get headers only. */
    private readonly noBody: boolean,
    /** False when the connection closes after this response. */
    private readonly keepAlive: boolean,
    /** Called after `end`, so the connection can read the next request. */
    private readonly onFinish: (res: ClientResponse) => void,
  ) {}

  /** Sets status and headers (a flat `[name, value, ...]` list or an object); sent with the first body bytes. */
  writeHead(status: number, headers: string[] | Record<string, string | number>): void {
    this.statusCode = status;
    this.headersSent = true;
    let head = `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Unknown'}${CRLF}`;
    let length = false;
    let date = false;
    const list = Array.isArray(headers) ? headers : Object.entries(headers).flat();
    for (let i = 0; i < list.length; i += 2) {
      const name = String(list[i]);
      const lower = name.toLowerCase();
      if (lower === 'content-length') length = true;
      else if (lower === 'date') date = true;
      head += `${name}: ${list[i + 1]}${CRLF}`;
    }
    if (!date) head += `date: ${new Date().toUTCString()}${CRLF}`;
    const bodyless = this.noBody || status === 204 || status === 304 || status < 200;
    if (!length && !bodyless) {
      this.chunked = true;
      head += `transfer-encoding: chunked${CRLF}`;
    }
    if (!this.keepAlive) head += `connection: close${CRLF}`;
    this.head = head + CRLF;
  }

  /** Writes body bytes; false means wait for `onDrain`. */
  write(chunk: Buffer): boolean {
    if (this.closed || chunk.length === 0) return true;
    const framed = this.noBody
      ? undefined
      : this.chunked
        ? Buffer.concat([Buffer.from(`${chunk.length.toString(16)}${CRLF}`), chunk, Buffer.from(CRLF)])
        : chunk;
    return this.send(framed);
  }

  /** Finishes the response, optionally with a last piece of body. */
  end(chunk?: Buffer | string): void {
    if (this.finished || this.closed) return;
    if (chunk !== undefined) this.write(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
    this.send(this.chunked && !this.noBody ? LAST_CHUNK : undefined);
    this.finished = true;
    this.settle(true);
    this.onFinish(this);
  }

  /** Drops the client connection (a reset seen by the client). */
  destroy(): void {
    this.socket.destroy();
  }

  /** Calls `listener` once: after `end` (true) or when the client connection closed first (false). */
  onClose(listener: (finished: boolean) => void): void {
    this.closeListener = listener;
  }

  /** Calls `listener` once the client socket can take more bytes. */
  onDrain(listener: () => void): void {
    this.socket.once('drain', listener);
  }

  /** The client connection closed. */
  socketClosed(): void {
    this.settle(this.finished);
  }

  private send(data: Buffer | undefined): boolean {
    if (this.head !== '') {
      const head = Buffer.from(this.head, 'latin1');
      this.head = '';
      return this.socket.write(data === undefined ? head : Buffer.concat([head, data]));
    }
    return data === undefined ? true : this.socket.write(data);
  }

  private settle(finished: boolean): void {
    if (this.closed) return;
    this.closed = true;
    this.closeListener?.(finished);
  }
}
