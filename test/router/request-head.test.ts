import { describe, expect, it } from 'vitest';
import { parseRequestHead } from '../../sim/router/request-head.js';

describe('parseRequestHead', () => {
  it('parses method, target, headers (joined when repeated) and framing', () => {
    const head = parseRequestHead(
      'POST /s?x=1 HTTP/1.1\r\nHost: a\r\nCookie: a=1\r\nCookie: b=2\r\nX-Tag: 1\r\nx-tag: 2\r\nExpect: 100-continue\r\nContent-Length: 12',
    );
    expect(head).toEqual({
      method: 'POST',
      url: '/s?x=1',
      rawHeaders: [
        'Host',
        'a',
        'Cookie',
        'a=1',
        'Cookie',
        'b=2',
        'X-Tag',
        '1',
        'x-tag',
        '2',
        'Content-Length',
        '12',
      ],
      headers: { host: 'a', cookie: 'a=1; b=2', 'x-tag': '1, 2', 'content-length': '12' },
      chunked: false,
      length: 12,
      keepAlive: true,
      expectsContinue: true,
    });
  });

  it('knows keep-alive and chunked framing', () => {
    expect(parseRequestHead('GET / HTTP/1.0\r\nHost: a')).toMatchObject({ keepAlive: false, length: 0 });
    expect(parseRequestHead('GET / HTTP/1.1\r\nConnection: close')).toMatchObject({ keepAlive: false });
    expect(parseRequestHead('PUT / HTTP/1.1\r\nTransfer-Encoding: chunked')).toMatchObject({ chunked: true });
  });

  it('rejects what could smuggle or confuse', () => {
    expect(parseRequestHead('GET /a b HTTP/1.1')).toBe('malformed request line');
    expect(parseRequestHead('GET / HTTP/2.0')).toBe('malformed request line');
    expect(parseRequestHead('GET / HTTP/1.1\r\n folded: x')).toBe('malformed header line');
    expect(parseRequestHead('GET / HTTP/1.1\r\nBad Name: x')).toBe('malformed header line');
    expect(parseRequestHead('GET / HTTP/1.1\r\nX: a\rb')).toBe('malformed header line');
    expect(parseRequestHead('POST / HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked')).toBe(
      'content-length with transfer-encoding',
    );
    for (const te of ['gzip', 'gzip, chunked', 'chunked\r\nTransfer-Encoding: chunked']) {
      expect(parseRequestHead(`POST / HTTP/1.1\r\nTransfer-Encoding: ${te}`)).toMatch(
        /^unsupported transfer-encoding/,
      );
    }
    expect(parseRequestHead('POST / HTTP/1.0\r\nTransfer-Encoding: chunked')).toBe(
      'transfer-encoding in an HTTP/1.0 request',
    );
    for (const cl of ['-1', '+3', '3, 3', '0x3', '1234567890123456']) {
      expect(parseRequestHead(`POST / HTTP/1.1\r\nContent-Length: ${cl}`), cl).toBe('bad content-length');
    }
    expect(parseRequestHead('GET / HTTP/1.1\r\nHost: a\r\nHost: b')).toBe('more than one host header');
    for (const named of ['Content-Length', 'keep-alive, transfer-encoding', 'HOST']) {
      expect(parseRequestHead(`GET / HTTP/1.1\r\nConnection: ${named}`)).toMatch(/^connection header names/);
    }
    expect(parseRequestHead('GET / HTTP/1.1\r\nX: a\x01b')).toBe('malformed header line');
    expect(parseRequestHead('GET /a\x00b HTTP/1.1')).toBe('malformed request line');
    expect(parseRequestHead('GET / HTTP/1.1\r\nX: a\tb')).toMatchObject({ headers: { x: 'a\tb' } });
  });
});
