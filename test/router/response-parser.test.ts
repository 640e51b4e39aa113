import { describe, expect, it } from 'vitest';
import { ResponseParser } from '../../sim/router/response-parser.js';

function collect(noBody = false) {
  const out = { status: 0, headers: [] as string[], body: '', ended: false, reusable: false };
  const parser = new ResponseParser(
    {
      head: (status, headers) => Object.assign(out, { status, headers }),
      data: (chunk) => {
        out.body += chunk.toString();
      },
      end: (reusable) => Object.assign(out, { ended: true, reusable }),
    },
    noBody,
  );
  return { out, parser };
}

const feedBytewise = (parser: ResponseParser, text: string): (string | undefined)[] =>
  [...Buffer.from(text)].map((b) => parser.push(Buffer.from([b]))).filter((p) => p !== undefined);

describe('ResponseParser', () => {
  it('parses a content-length response fed one byte at a time and drops hop-by-hop headers', () => {
    const { out, parser } = collect();
    const problems = feedBytewise(
      parser,
      'HTTP/1.1 201 Created\r\nContent-Length: 5\r\nKeep-Alive: timeout=5\r\nX-A: b\r\n\r\nhello',
    );
    expect(problems).toEqual([]);
    expect(out).toEqual({
      status: 201,
      headers: ['Content-Length', '5', 'X-A', 'b'],
      body: 'hello',
      ended: true,
      reusable: true,
    });
  });

  it('decodes chunked bodies with extensions and trailers, split anywhere', () => {
    const text =
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nX-T: 1\r\n\r\n';
    for (let cut = 1; cut < text.length; cut += 7) {
      const { out, parser } = collect();
      expect(parser.push(Buffer.from(text.slice(0, cut)))).toBeUndefined();
      expect(parser.push(Buffer.from(text.slice(cut)))).toBeUndefined();
      expect(out).toMatchObject({
        status: 200,
        headers: [],
        body: 'hello world',
        ended: true,
        reusable: true,
      });
    }
  });

  it('skips interim 1xx responses', () => {
    const { out, parser } = collect();
    parser.push(Buffer.from('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok'));
    expect(out).toMatchObject({ status: 200, body: 'ok', ended: true });
  });

  it('reads a close-delimited body until the socket closes and never reuses the connection', () => {
    const { out, parser } = collect();
    parser.push(Buffer.from('HTTP/1.1 200 OK\r\nConnection: close\r\n\r\npart1 '));
    parser.push(Buffer.from('part2'));
    expect(out.ended).toBe(false);
    expect(parser.closed()).toBe(true);
    expect(out).toMatchObject({ body: 'part1 part2', ended: true, reusable: false });
  });

  it('knows bodiless answers: HEAD, 204 and 304', () => {
    const head = collect(true);
    head.parser.push(Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 99\r\n\r\n'));
    expect(head.out).toMatchObject({ ended: true, reusable: true, body: '' });
    const empty = collect();
    empty.parser.push(Buffer.from('HTTP/1.1 204 No Content\r\n\r\n'));
    expect(empty.out.ended).toBe(true);
  });

  it('reports malformed responses and a connection cut short', () => {
    expect(collect().parser.push(Buffer.from('SMTP ready\r\n\r\n'))).toMatch(/malformed status line/);
    expect(collect().parser.push(Buffer.from('HTTP/1.1 200 OK\r\nbroken\r\n\r\n'))).toMatch(
      /malformed header/,
    );
    const extra = collect();
    expect(extra.parser.push(Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nxy'))).toMatch(
      /after the end/,
    );
    const cut = collect();
    cut.parser.push(Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc'));
    expect(cut.parser.closed()).toBe(false);
  });
});
