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

/** True when the request carries a body that must be streamed on. */
export function hasBody(headers: IncomingHttpHeaders): boolean {
  const length = headers['content-length'];
  return (length !== undefined && length !== '0') || headers['transfer-encoding'] !== undefined;
}

/** The request head to send upstream: request line, end-to-end headers, and chunked framing when the body needs it. */
export function requestHead(
  req: { method?: string; url?: string; rawHeaders: string[]; headers: IncomingHttpHeaders },
  upstreamHost: string,
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
    if (HOP_BY_HOP.has(lower) || named?.has(lower) === true) continue;
    if (lower === 'host') host = true;
    head += `${name}: ${raw[i + 1]}\r\n`;
  }
  if (!host) head += `host: ${upstreamHost}\r\n`;
  if (req.headers['transfer-encoding'] !== undefined) head += 'transfer-encoding: chunked\r\n';
  return `${head}\r\n`;
}
