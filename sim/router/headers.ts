import type { IncomingHttpHeaders } from 'node:http';

// RFC 9110 §7.6.1 connection-specific fields, plus the non-standard ones proxies also drop.
/** Lower-case names of the hop-by-hop header fields a proxy must not forward. */
export const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

/**
 * Harness headers a client may send: `x-rehearsal-route` (the documented test switch that picks a version) and
 * `x-rehearsal-request-id` (the traffic's seeded id, which the weighted draw hashes). Every other `x-rehearsal-*`
 * header from a client is dropped: only the router itself marks requests (`x-rehearsal-mirror: 1` on shadow copies).
 */
export const CLIENT_HARNESS_HEADERS = new Set(['x-rehearsal-route', 'x-rehearsal-request-id']);

const HARNESS_PREFIX = 'x-rehearsal-';

/** True when the request carries a body that must be streamed on. */
export function hasBody(headers: IncomingHttpHeaders): boolean {
  const length = headers['content-length'];
  return (length !== undefined && length !== '0') || headers['transfer-encoding'] !== undefined;
}

/**
 * The request head to send upstream: request line, end-to-end headers, and the body framing the router itself
 * parsed (its own `content-length` or `transfer-encoding: chunked`, never the client's lines), so the upstream
 * cannot read a message boundary other than the router's.
 */
export function requestHead(
  req: { method?: string; url?: string; rawHeaders: string[]; headers: IncomingHttpHeaders },
  upstreamHost: string,
  /** Ask for an unencoded answer (`accept-encoding: identity`): the router is going to read its body. */
  identity = false,
): string {
  let head = `${req.method} ${req.url} HTTP/1.1\r\n`;
  const raw = req.rawHeaders;
  const connection = req.headers.connection;
  const named =
    connection !== undefined && connection !== 'keep-alive' && connection !== 'close'
      ? new Set(connection.split(',').map((t) => t.trim().toLowerCase()))
      : undefined;
  let host = false;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    const lower = name.toLowerCase();
    if (HOP_BY_HOP.has(lower) || lower === 'content-length' || named?.has(lower) === true) continue;
    if (lower.startsWith(HARNESS_PREFIX) && !CLIENT_HARNESS_HEADERS.has(lower)) continue;
    if (identity && lower === 'accept-encoding') continue;
    if (lower === 'host') host = true;
    head += `${name}: ${raw[i + 1]}\r\n`;
  }
  if (!host) head += `host: ${upstreamHost}\r\n`;
  if (identity) head += 'accept-encoding: identity\r\n';
  if (req.headers['transfer-encoding'] !== undefined) head += 'transfer-encoding: chunked\r\n';
  else if (req.headers['content-length'] !== undefined)
    head += `content-length: ${req.headers['content-length']}\r\n`;
  return `${head}\r\n`;
}
