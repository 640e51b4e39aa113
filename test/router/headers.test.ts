import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { hasBody, requestHead } from '../../sim/router/headers.js';

const fakeRequest = (rawHeaders: string[], method = 'GET'): IncomingMessage => {
  const headers: Record<string, string> = {};
  for (let i = 0; i < rawHeaders.length; i += 2) headers[rawHeaders[i]!.toLowerCase()] = rawHeaders[i + 1]!;
  return { method, url: '/p?q=1', rawHeaders, headers } as unknown as IncomingMessage;
};

describe('requestHead', () => {
  it('keeps end-to-end headers verbatim and drops hop-by-hop ones, including those named in Connection', () => {
    const req = fakeRequest([
      'Host',
      'example',
      'Connection',
      'keep-alive, X-Trace',
      'Keep-Alive',
      'timeout=5',
      'Upgrade',
      'h2c',
      'X-Trace',
      '1',
      'TE',
      'trailers',
      'X-User-Id',
      'u1',
      'Cookie',
      'a=1',
    ]);
    expect(requestHead(req, '127.0.0.1:9')).toBe(
      'GET /p?q=1 HTTP/1.1\r\nHost: example\r\nX-User-Id: u1\r\nCookie: a=1\r\n\r\n',
    );
  });

  it('adds Host when missing and re-frames chunked bodies', () => {
    const req = fakeRequest(['Transfer-Encoding', 'chunked'], 'POST');
    expect(requestHead(req, '127.0.0.1:9')).toBe(
      'POST /p?q=1 HTTP/1.1\r\nhost: 127.0.0.1:9\r\ntransfer-encoding: chunked\r\n\r\n',
    );
  });

  it('states the framing itself: one content-length of its own, never a client line', () => {
    const req = fakeRequest(['content-length', '3', 'X-A', '1'], 'POST');
    expect(requestHead(req, 'h')).toBe(
      'POST /p?q=1 HTTP/1.1\r\nX-A: 1\r\nhost: h\r\ncontent-length: 3\r\n\r\n',
    );
  });

  it('drops client x-rehearsal-* headers except the route switch and the request id', () => {
    const req = fakeRequest([
      'X-Rehearsal-Mirror',
      '0',
      'x-rehearsal-fault',
      'crash',
      'x-rehearsal-route',
      'v2',
      'x-rehearsal-request-id',
      'seed-1',
      'x-rehearsalish',
      'kept',
    ]);
    expect(requestHead(req, 'h')).toBe(
      'GET /p?q=1 HTTP/1.1\r\nx-rehearsal-route: v2\r\nx-rehearsal-request-id: seed-1\r\nx-rehearsalish: kept\r\nhost: h\r\n\r\n',
    );
  });
});

describe('hasBody', () => {
  it('knows when a request has a body', () => {
    expect(hasBody({})).toBe(false);
    expect(hasBody({ 'content-length': '0' })).toBe(false);
    expect(hasBody({ 'content-length': '3' })).toBe(true);
    expect(hasBody({ 'transfer-encoding': 'chunked' })).toBe(true);
  });
});
