// RFC 9112 §3: method SP request-target SP version; the target is visible ASCII only (no NUL, no controls).
const REQUEST_LINE = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+) ([\x21-\x7e]+) HTTP\/1\.([01])$/;
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
// At most 15 digits: always a safe integer, and nobody sends a petabyte body.
const CONTENT_LENGTH = /^\d{1,15}$/;
/** Fields that frame the message or name its target: a `Connection` header may not make a proxy drop them. */
const FRAMING = new Set(['content-length', 'transfer-encoding', 'host']);

/** True when `text` holds a control byte other than HTAB (RFC 9110 §5.5 allows VCHAR, obs-text, SP, HTAB). */
export function hasControl(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09) || c === 0x7f) return true;
  }
  return false;
}

/** A client request head, checked strictly enough that forwarding its lines cannot smuggle a second request. */
export interface RequestHead {
  /** Request method. */
  method: string;
  /** Request target as sent. */
  url: string;
  /** Header names and values in arrival order, flat (`Expect` removed: the router answers 100-continue itself). */
  rawHeaders: string[];
  /** Lower-case names; repeated fields joined with ", " (cookies with "; "). */
  headers: Record<string, string>;
  /** Body framing: chunked, or a byte count (0 = none). */
  chunked: boolean;
  /** Content-Length, 0 when absent. */
  length: number;
  /** False for HTTP/1.0 or `Connection: close`. */
  keepAlive: boolean;
  /** True when the client waits for `100 Continue` before sending its body. */
  expectsContinue: boolean;
}

/** Parses the text before the blank line of a request; returns a reason string when it must be rejected with 400. */
export function parseRequestHead(text: string): RequestHead | string {
  const lines = text.split('\r\n');
  const line = REQUEST_LINE.exec(lines[0] ?? '');
  if (line === null) return 'malformed request line';
  const rawHeaders: string[] = [];
  const headers: Record<string, string> = {};
  let expectsContinue = false;
  let hosts = 0;
  for (let i = 1; i < lines.length; i++) {
    const h = lines[i]!;
    const colon = h.indexOf(':');
    const name = colon > 0 ? h.slice(0, colon) : '';
    const value = h.slice(colon + 1).trim();
    if (!TOKEN.test(name) || hasControl(value)) return 'malformed header line';
    const lower = name.toLowerCase();
    if (lower === 'host') hosts++;
    if (lower === 'expect') {
      expectsContinue = /100-continue/i.test(value);
      continue;
    }
    rawHeaders.push(name, value);
    const prior = headers[lower];
    headers[lower] = prior === undefined ? value : `${prior}${lower === 'cookie' ? '; ' : ', '}${value}`;
  }
  const te = headers['transfer-encoding'];
  const cl = headers['content-length'];
  // RFC 9112 §6.1 and §6.3: one framing, stated once; anything else is how requests get smuggled.
  if (te !== undefined) {
    if (cl !== undefined) return 'content-length with transfer-encoding';
    if (te.toLowerCase() !== 'chunked') return 'unsupported transfer-encoding (only a single "chunked")';
    if (line[3] === '0') return 'transfer-encoding in an HTTP/1.0 request';
  }
  if (cl !== undefined && !CONTENT_LENGTH.test(cl)) return 'bad content-length';
  if (hosts > 1) return 'more than one host header';
  for (const token of (headers.connection ?? '').split(',')) {
    if (FRAMING.has(token.trim().toLowerCase())) return `connection header names ${token.trim()}`;
  }
  return {
    method: line[1]!,
    url: line[2]!,
    rawHeaders,
    headers,
    chunked: te !== undefined,
    length: Number(cl ?? 0),
    keepAlive: line[3] === '1' && !/\bclose\b/i.test(headers.connection ?? ''),
    expectsContinue,
  };
}
