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
      const line = this.line.endsWith('\r') ? this.line.slice(0, -1) : this.line;
      this.line = '';
      if (this.state === 'chunk-end') {
        if (line !== '') return 'missing CRLF after a chunk';
        this.state = 'size';
      } else if (this.state === 'size') {
        const size = Number.parseInt(line.split(';')[0]!.trim(), 16);
        if (!Number.isFinite(size) || size < 0) return `bad chunk size ${JSON.stringify(line.slice(0, 40))}`;
        this.remaining = size;
        this.state = size === 0 ? 'trailer' : 'chunk';
      } else if (line === '') {
        this.state = 'done';
      }
    }
    return at;
  }
}
