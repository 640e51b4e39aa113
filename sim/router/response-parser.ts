import { CHUNK_SIZE } from './body-decoder.js';
import { HOP_BY_HOP } from './headers.js';

/** Receives one parsed upstream response, in order: `head`, any `data`, then `end`. */
export interface ResponseSink {
  /** Status and end-to-end headers as a flat `[name, value, ...]` list (hop-by-hop fields removed). */
  head(status: number, headers: string[]): void;
  /** A slice of the decoded body. */
  data(chunk: Buffer): void;
  /** The response is complete; `reusable` says whether the connection may carry another request. */
  end(reusable: boolean): void;
}

const MAX_HEAD = 64 * 1024;
const CRLF = 0x0a;
type State = 'head' | 'length' | 'size' | 'chunk' | 'chunk-end' | 'trailer' | 'close' | 'done';

/** Incremental HTTP/1.1 response parser: head, then a body framed by length, chunks or connection close. */
export class ResponseParser {
  private state: State = 'head';
  private pending: Buffer | undefined;
  private remaining = 0;
  private keepAlive = true;

  constructor(
    private readonly sink: ResponseSink,
    /** True for answers that never carry a body (a HEAD request). */
    private readonly noBody: boolean,
  ) {}

  /** True once the response ended. */
  get done(): boolean {
    return this.state === 'done';
  }

  /** True when the connection may carry another request after this response. */
  get reusable(): boolean {
    return this.keepAlive;
  }

  /** Feeds bytes from the socket; returns an error message when the response is malformed. */
  push(input: Buffer): string | undefined {
    let buf = this.pending === undefined ? input : Buffer.concat([this.pending, input]);
    this.pending = undefined;
    while (buf.length > 0) {
      switch (this.state) {
        case 'head': {
          const end = buf.indexOf('\r\n\r\n');
          if (end < 0) {
            if (buf.length > MAX_HEAD) return `response head larger than ${MAX_HEAD} bytes`;
            this.pending = buf;
            return undefined;
          }
          const problem = this.parseHead(buf.toString('latin1', 0, end));
          if (problem !== undefined) return problem;
          buf = buf.subarray(end + 4);
          break;
        }
        case 'length': {
          const take = Math.min(this.remaining, buf.length);
          this.sink.data(buf.subarray(0, take));
          this.remaining -= take;
          buf = buf.subarray(take);
          if (this.remaining === 0) this.finish();
          break;
        }
        case 'close':
          this.sink.data(buf);
          return undefined;
        case 'size':
        case 'chunk-end':
        case 'trailer': {
          const eol = buf.indexOf(CRLF);
          if (eol < 0) {
            if (buf.length > 4096) return 'chunk framing line too long';
            this.pending = buf;
            return undefined;
          }
          const line = buf.toString('latin1', 0, eol).replace(/\r$/, '');
          buf = buf.subarray(eol + 1);
          const problem = this.framingLine(line);
          if (problem !== undefined) return problem;
          break;
        }
        case 'chunk': {
          const take = Math.min(this.remaining, buf.length);
          this.sink.data(buf.subarray(0, take));
          this.remaining -= take;
          buf = buf.subarray(take);
          if (this.remaining === 0) this.state = 'chunk-end';
          break;
        }
        case 'done':
          return 'upstream sent bytes after the end of its response';
      }
    }
    return undefined;
  }

  /** The socket closed: completes a close-delimited body; returns false when the response was cut short. */
  closed(): boolean {
    if (this.state === 'close') {
      this.state = 'done';
      this.sink.end(false);
      return true;
    }
    return this.state === 'done';
  }

  private parseHead(text: string): string | undefined {
    const lines = text.split('\r\n');
    const status = Number(lines[0]?.slice(9, 12));
    if (!lines[0]?.startsWith('HTTP/1.') || !Number.isInteger(status) || status < 100) {
      return `malformed status line from upstream: ${JSON.stringify(lines[0]?.slice(0, 80))}`;
    }
    if (status >= 100 && status < 200) return undefined;
    if (lines[0].startsWith('HTTP/1.0')) this.keepAlive = false;
    const headers: string[] = [];
    let length = -1;
    let chunked = false;
    for (let i = 1; i < lines.length; i++) {
      const line = lines[i]!;
      const colon = line.indexOf(':');
      if (colon <= 0) return `malformed header line from upstream: ${JSON.stringify(line.slice(0, 80))}`;
      const name = line.slice(0, colon);
      const value = line.slice(colon + 1).trim();
      const lower = name.toLowerCase();
      if (lower === 'content-length') length = Number(value);
      else if (lower === 'transfer-encoding') chunked = value.toLowerCase().endsWith('chunked');
      else if (lower === 'connection') this.keepAlive = !/\bclose\b/i.test(value);
      if (!HOP_BY_HOP.has(lower)) headers.push(name, value);
    }
    this.sink.head(status, headers);
    if (this.noBody || status === 204 || status === 304) this.finish();
    else if (chunked) this.state = 'size';
    else if (length >= 0) {
      this.remaining = length;
      this.state = 'length';
      if (length === 0) this.finish();
    } else {
      this.keepAlive = false;
      this.state = 'close';
    }
    return undefined;
  }

  private framingLine(line: string): string | undefined {
    if (this.state === 'chunk-end') {
      if (line !== '') return 'missing CRLF after a chunk';
      this.state = 'size';
    } else if (this.state === 'size') {
      // As strict as on the client side: a lenient reading ("5x", "+5") is where two parsers disagree.
      const size = CHUNK_SIZE.exec(line);
      if (size === null) return `bad chunk size ${JSON.stringify(line.slice(0, 40))}`;
      this.remaining = Number.parseInt(size[1]!, 16);
      this.state = this.remaining === 0 ? 'trailer' : 'chunk';
    } else if (line === '') {
      this.finish();
    }
    return undefined;
  }

  private finish(): void {
    this.state = 'done';
    this.sink.end(this.keepAlive);
  }
}
