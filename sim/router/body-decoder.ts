import { hasControl } from './request-head.js';

/** `chunk-size [ BWS ";" chunk-ext ]`: hex digits only (no sign, no 0x), at most 13 (a safe integer); group 1 is the size. */
export const CHUNK_SIZE = /^([0-9A-Fa-f]{1,13})(?:[ \t]*;.*)?$/;

/** Decodes an HTTP/1.1 message body framed by Content-Length or chunked transfer coding. */
export class BodyDecoder {
  private state: 'length' | 'size' | 'chunk' | 'chunk-end' | 'trailer' | 'done';
  private remaining: number;
  private line = '';

  constructor(
    chunked: boolean,
    length: number,
    /** Receives each decoded slice of the body. */
    private readonly onData: (chunk: Buffer) => void,
  ) {
    this.state = chunked ? 'size' : length > 0 ? 'length' : 'done';
    this.remaining = length;
  }

  /** True once the whole body was read. */
  get done(): boolean {
    return this.state === 'done';
  }

  /** Consumes body bytes from `buf`; returns how many it used (the rest belongs to the next message) or an error. */
  push(buf: Buffer): number | string {
    let at = 0;
    while (at < buf.length && this.state !== 'done') {
      if (this.state === 'length' || this.state === 'chunk') {
        const take = Math.min(this.remaining, buf.length - at);
        this.onData(buf.subarray(at, at + take));
        at += take;
        this.remaining -= take;
        if (this.remaining === 0) this.state = this.state === 'length' ? 'done' : 'chunk-end';
        continue;
      }
      const eol = buf.indexOf(0x0a, at);
      const end = eol < 0 ? buf.length : eol;
      this.line += buf.toString('latin1', at, end);
      if (this.line.length > 4096) return 'chunk framing line too long';
      at = eol < 0 ? buf.length : eol + 1;
      if (eol < 0) break;
      // RFC 9112 §7.1: every framing line ends in CRLF; a bare LF or a stray CR is refused, not guessed at.
      if (!this.line.endsWith('\r')) return 'chunk framing line without CRLF';
      const line = this.line.slice(0, -1);
      this.line = '';
      if (hasControl(line)) return 'control byte in chunk framing';
      if (this.state === 'chunk-end') {
        if (line !== '') return 'missing CRLF after a chunk';
        this.state = 'size';
      } else if (this.state === 'size') {
        const size = CHUNK_SIZE.exec(line);
        if (size === null) return `bad chunk size ${JSON.stringify(line.slice(0, 40))}`;
        this.remaining = Number.parseInt(size[1]!, 16);
        this.state = this.remaining === 0 ? 'trailer' : 'chunk';
      } else if (line === '') {
        this.state = 'done';
      }
    }
    return at;
  }
}
