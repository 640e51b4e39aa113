/** A stream the writer prints to: `process.stdout`, `process.stderr`, or a fake in tests. */
export interface OutputStream {
  write(text: string): unknown;
  on?(event: 'error', listener: (error: NodeJS.ErrnoException) => void): unknown;
}

const CLEAR_LINE = '\r\x1b[2K';

/**
 * The one way the CLI prints: lines to stdout and stderr, and a status line rewritten in place at the
 * bottom of the terminal. The status line is cleared before any other line is printed and redrawn after,
 * so a warning never shares a line with it. A stream whose reader went away (EPIPE, `| head -1`) is
 * dropped quietly instead of crashing.
 */
export class OutputWriter {
  private status = '';
  private readonly closed = new Set<OutputStream>();

  constructor(
    private readonly stdout: OutputStream,
    private readonly stderr: OutputStream,
    /** Whether stdout is a terminal, where a status line can be rewritten in place. */
    readonly tty = false,
  ) {
    for (const s of new Set([stdout, stderr])) s.on?.('error', (e) => this.onError(s, e));
  }

  /** Prints a line on stdout. */
  out(line: string): void {
    this.line(this.stdout, line);
  }

  /** Prints a line on stderr. */
  err(line: string): void {
    this.line(this.stderr, line);
  }

  /** Shows `text` as the status line (on a terminal only); an empty text removes it. */
  setStatus(text: string): void {
    if (!this.tty) return;
    if (text === '' && this.status === '') return;
    this.status = text;
    this.raw(this.stdout, `${CLEAR_LINE}${text}`);
  }

  /** Whether a stream's reader has gone away. */
  isClosed(which: 'stdout' | 'stderr'): boolean {
    return this.closed.has(which === 'stdout' ? this.stdout : this.stderr);
  }

  private line(stream: OutputStream, line: string): void {
    const shown = this.status;
    if (shown) this.raw(this.stdout, CLEAR_LINE);
    this.raw(stream, `${line}\n`);
    if (shown) this.raw(this.stdout, shown);
  }

  private raw(stream: OutputStream, text: string): void {
    if (this.closed.has(stream)) return;
    try {
      stream.write(text);
    } catch (error) {
      this.onError(stream, error as NodeJS.ErrnoException);
    }
  }

  private onError(stream: OutputStream, error: NodeJS.ErrnoException): void {
    // The reader closed the pipe (`rehearse list | head -1`): what it did not read is not wanted.
    if (error.code === 'EPIPE' || error.code === 'ERR_STREAM_DESTROYED') {
      this.closed.add(stream);
      return;
    }
    throw error;
  }
}
