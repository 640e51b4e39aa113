import { connect } from 'node:net';

/** What came back on one raw connection. */
export interface RawReply {
  /** Every byte received, as latin1 text. */
  text: string;
  /** Status codes of the responses in `text`, in order (100 Continue included). */
  statuses: number[];
  /** How the exchange ended: the server closed, `until` matched, or nothing came for `idleMs`. */
  ended: 'closed' | 'matched' | 'idle';
}

/** Options of {@link rawExchange}. */
export interface RawOptions {
  /** Stop reading once the received text matches. */
  until?: RegExp;
  /** Give up after this long without a byte (default 2000 ms). */
  idleMs?: number;
  /** Shut our sending side down after writing (a client that stops mid-body). */
  halfClose?: boolean;
}

/** Writes raw bytes to 127.0.0.1:`port` and collects the answer; never rejects. */
export function rawExchange(port: number, bytes: string | Buffer, opts: RawOptions = {}): Promise<RawReply> {
  return new Promise((resolve) => {
    let text = '';
    let settled = false;
    const socket = connect(port, '127.0.0.1');
    const done = (ended: RawReply['ended']): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve({ text, statuses: statusCodes(text), ended });
    };
    let timer = setTimeout(() => done('idle'), opts.idleMs ?? 2000);
    socket.on('connect', () => {
      const data = typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : bytes;
      if (opts.halfClose) socket.end(data);
      else socket.write(data);
    });
    socket.on('data', (d: Buffer) => {
      text += d.toString('latin1');
      clearTimeout(timer);
      timer = setTimeout(() => done('idle'), opts.idleMs ?? 2000);
      if (opts.until?.test(text)) done('matched');
    });
    socket.on('error', () => done('closed'));
    socket.on('close', () => done('closed'));
  });
}

/** Status codes of every response head in a raw byte stream. */
export function statusCodes(text: string): number[] {
  return [...text.matchAll(/(?:^|\r\n)HTTP\/1\.[01] (\d{3}) /g)].map((m) => Number(m[1]));
}
