const REQUEST_LINE = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+) (\S+) HTTP\/1\.([01])$/;
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const BAD_VALUE = /[\r\n\0]/;

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
  for (let i = 1; i < lines.length; i++) {
    const h = lines[i]!;
    const colon = h.indexOf(':');
    const name = colon > 0 ? h.slice(0, colon) : '';
    const value = h.slice(colon + 1).trim();
    if (!TOKEN.test(name) || BAD_VALUE.test(value)) return 'malformed header line';
    const lower = name.toLowerCase();
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
  if (te !== undefined && (cl !== undefined || !/(^|,)\s*chunked\s*$/i.test(te))) {
    return 'unsupported transfer-encoding';
  }
  if (cl !== undefined && !/^\d+$/.test(cl)) return 'bad content-length';
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
