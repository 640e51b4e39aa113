import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningRouter } from '../../sim/router/router.js';
import { startRouter } from '../../sim/router/router.js';
import { RouterClient } from '../../sim/router-client/client.js';
import { rawExchange } from '../helpers/raw-http.js';
import { TOKEN, table } from './helpers.js';

// A request hidden in a body: any framing disagreement between router and upstream turns it into a real one.
const SMUGGLED = 'GET /smuggled HTTP/1.1\r\nHost: a\r\n\r\n';
const S_LEN = SMUGGLED.length;
const S_HEX = S_LEN.toString(16);
const POST = 'POST /attack HTTP/1.1\r\nHost: a\r\n';

/** `refused`: no 2xx for the attacker; `ok`: every request answered 2xx and upstream saw exactly `seen`. */
type Outcome = { refused: true } | { seen: string[] };
const refused: Outcome = { refused: true };

const PATTERNS: [string, string, Outcome][] = [
  [
    'CL.TE',
    `${POST}Content-Length: ${S_LEN + 5}\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n${SMUGGLED}`,
    refused,
  ],
  [
    'TE.CL',
    `${POST}Transfer-Encoding: chunked\r\nContent-Length: 4\r\n\r\n${S_HEX}\r\n${SMUGGLED}\r\n0\r\n\r\n`,
    refused,
  ],
  ...[
    'Transfer-Encoding: xchunked',
    'Transfer-Encoding : chunked',
    'Transfer-Encoding: chunked\r\nTransfer-Encoding: x',
    'X: y\r\n Transfer-Encoding: chunked',
    'Transfer-Encoding:\x0bchunked',
    'Transfer-Encoding: chunked\x00',
    'Transfer-Encoding: identity, chunked',
  ].map((te): [string, string, Outcome] => [
    `TE.TE ${JSON.stringify(te)} with Content-Length`,
    `${POST}${te}\r\nContent-Length: 5\r\n\r\n0\r\n\r\n${SMUGGLED}`,
    refused,
  ]),
  ...['gzip, chunked', 'chunked, chunked', '"chunked"', 'chunked;q=1'].map(
    (te): [string, string, Outcome] => [
      `obfuscated Transfer-Encoding: ${te}`,
      `${POST}Transfer-Encoding: ${te}\r\n\r\n${S_HEX}\r\n${SMUGGLED}\r\n0\r\n\r\n`,
      refused,
    ],
  ),
  [
    'duplicate Content-Length',
    `${POST}Content-Length: 0\r\nContent-Length: ${S_LEN}\r\n\r\n${SMUGGLED}`,
    refused,
  ],
  ['Content-Length comma list', `${POST}Content-Length: 0, ${S_LEN}\r\n\r\n${SMUGGLED}`, refused],
  ['Content-Length with a sign', `${POST}Content-Length: +${S_LEN}\r\n\r\n${SMUGGLED}`, refused],
  ['Content-Length past 2^53', `${POST}Content-Length: 99999999999999999999\r\n\r\n${SMUGGLED}`, refused],
  [
    'Connection: content-length',
    `${POST}Connection: content-length\r\nContent-Length: ${S_LEN}\r\n\r\n${SMUGGLED}`,
    refused,
  ],
  [
    'Connection: keep-alive, Content-Length',
    `${POST}Connection: keep-alive, Content-Length\r\nContent-Length: ${S_LEN}\r\n\r\n${SMUGGLED}`,
    refused,
  ],
  [
    'Connection: transfer-encoding',
    `${POST}Connection: transfer-encoding\r\nTransfer-Encoding: chunked\r\n\r\n${S_HEX}\r\n${SMUGGLED}\r\n0\r\n\r\n`,
    refused,
  ],
  ['Connection: host', `GET /attack HTTP/1.1\r\nHost: a\r\nConnection: host\r\n\r\n`, refused],
  ['duplicate Host', `GET /attack HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n`, refused],
  ['bare LF in a header', `${POST}X: y\nContent-Length: ${S_LEN}\r\n\r\n${SMUGGLED}`, refused],
  ['bare LF after the request line', `GET /attack HTTP/1.1\nHost: a\r\n\r\n`, refused],
  ['NUL in a header value', `${POST}X: a\0b\r\nContent-Length: ${S_LEN}\r\n\r\n${SMUGGLED}`, refused],
  ['NUL in the target', `GET /att\0ack HTTP/1.1\r\nHost: a\r\n\r\n`, refused],
  ['control byte in a header value', `GET /attack HTTP/1.1\r\nHost: a\r\nX: a\x01b\r\n\r\n`, refused],
  ['obs-fold', `${POST}X: a\r\n b\r\nContent-Length: ${S_LEN}\r\n\r\n${SMUGGLED}`, refused],
  ['whitespace before colon', `${POST}Content-Length : ${S_LEN}\r\n\r\n${SMUGGLED}`, refused],
  [
    'HTTP/1.0 with Transfer-Encoding',
    `POST /attack HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`,
    refused,
  ],
  [
    'huge chunk size',
    `${POST}Transfer-Encoding: chunked\r\n\r\nfffffffffffffffffffff\r\n${SMUGGLED}\r\n0\r\n\r\n`,
    refused,
  ],
  [
    'chunk size with 0x',
    `${POST}Transfer-Encoding: chunked\r\n\r\n0x${S_HEX}\r\n${SMUGGLED}\r\n0\r\n\r\n`,
    refused,
  ],
  [
    'chunk size with a sign',
    `${POST}Transfer-Encoding: chunked\r\n\r\n+${S_HEX}\r\n${SMUGGLED}\r\n0\r\n\r\n`,
    refused,
  ],
  ['bare LF chunk lines', `${POST}Transfer-Encoding: chunked\r\n\r\n${S_HEX}\n${SMUGGLED}\n0\n\n`, refused],
  [
    'bare LF in a chunk extension',
    `${POST}Transfer-Encoding: chunked\r\n\r\n${S_HEX};a\nb\r\n${SMUGGLED}\r\n0\r\n\r\n`,
    refused,
  ],
  ['head larger than 64 KiB', `GET /attack HTTP/1.1\r\nHost: a\r\nX: ${'x'.repeat(70_000)}\r\n\r\n`, refused],
  [
    'chunk extensions (valid: body only)',
    `${POST}Transfer-Encoding: chunked\r\n\r\n${S_HEX};name="v";x=1\r\n${SMUGGLED}\r\n0;end\r\n\r\n`,
    { seen: ['/attack'] },
  ],
  [
    'trailer naming Content-Length (valid: dropped)',
    `${POST}Transfer-Encoding: chunked\r\n\r\n${S_HEX}\r\n${SMUGGLED}\r\n0\r\nContent-Length: 0\r\n\r\n`,
    { seen: ['/attack'] },
  ],
  [
    'a request as a Content-Length body (valid: body only)',
    `${POST}Content-Length: ${S_LEN}\r\n\r\n${SMUGGLED}`,
    { seen: ['/attack'] },
  ],
  [
    'pipelined requests (valid: both, in order)',
    `GET /pipe-1 HTTP/1.1\r\nHost: a\r\n\r\n${POST}Content-Length: 2\r\n\r\nhiGET /pipe-2 HTTP/1.1\r\nHost: a\r\n\r\n`,
    { seen: ['/pipe-1', '/attack', '/pipe-2'] },
  ],
];

describe('request smuggling through the router against a pooled upstream', () => {
  let router: RunningRouter;
  let upstream: Server;
  const sockets = new Set<Socket>();
  const seen: string[] = [];

  beforeAll(async () => {
    // Records every request head it parses and echoes the URL and body; late answers for smuggled ones,
    // so a desynchronised pooled connection hands them to whoever uses it next.
    upstream = createServer((req, res) => {
      seen.push(req.url ?? '');
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = JSON.stringify({ url: req.url, body: Buffer.concat(chunks).toString('latin1') });
        setTimeout(
          () => res.writeHead(200, { 'content-type': 'application/json' }).end(body),
          req.url?.startsWith('/smuggled') ? 40 : 0,
        );
      });
    });
    upstream.on('connection', (s) => {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
    });
    await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
    router = await startRouter({ port: 0, adminPort: 0, token: TOKEN });
    await new RouterClient(router.adminUrl, TOKEN).putRoutes(table({ v1: [url] }, { weights: { v1: 1 } }));
  });
  afterAll(async () => {
    await router.close();
    for (const s of sockets) s.destroy();
    await new Promise((r) => upstream.close(r));
  });

  let victims = 0;
  /** A second client on the same pooled upstream connection: it must get its own answer, and only that. */
  async function victim(): Promise<void> {
    const path = `/victim-${++victims}`;
    const reply = await rawExchange(
      router.port,
      `GET ${path} HTTP/1.1\r\nHost: v\r\nConnection: close\r\n\r\n`,
    );
    expect(reply.statuses, `${path} got: ${reply.text.slice(-200)}`).toEqual([200]);
    expect(reply.text).toContain(`{"url":"${path}","body":""}`);
  }

  it.each(PATTERNS)('%s', async (_name, bytes, outcome) => {
    const from = seen.length;
    const reply = await rawExchange(router.port, bytes, { idleMs: 400 });
    await victim();
    await new Promise((r) => setTimeout(r, 60));
    await victim();
    const during = seen.slice(from).filter((u) => !u.startsWith('/victim-'));
    expect(
      during.filter((u) => u.startsWith('/smuggled')),
      'upstream parsed a smuggled request',
    ).toEqual([]);
    if ('refused' in outcome) {
      expect(
        reply.statuses.filter((s) => s >= 200 && s < 300),
        reply.text.slice(0, 200),
      ).toEqual([]);
      expect(during.every((u) => u === '/attack')).toBe(true);
    } else {
      expect(reply.statuses, reply.text.slice(0, 300)).toEqual(outcome.seen.map(() => 200));
      expect(during).toEqual(outcome.seen);
    }
  });
});
