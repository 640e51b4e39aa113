import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestRouter, startUpstream, type TestRouter, type TestUpstream, table } from './helpers.js';

let router: TestRouter | undefined;
let upstream: TestUpstream | undefined;
afterEach(async () => {
  await router?.close();
  await upstream?.close();
});

/** Sends raw bytes to the data plane and collects everything until the server closes or `until` matches. */
function raw(port: number, text: string, until?: RegExp): Promise<string> {
  return new Promise((resolve, reject) => {
    let got = '';
    const socket = connect(port, '127.0.0.1', () => socket.write(text));
    socket.on('data', (d) => {
      got += d.toString();
      if (until?.test(got)) {
        socket.destroy();
        resolve(got);
      }
    });
    socket.on('close', () => resolve(got));
    socket.on('error', reject);
  });
}

async function setup(): Promise<number> {
  upstream = await startUpstream('u');
  router = await startTestRouter(table({ v1: [upstream.url] }, { weights: { v1: 1 } }));
  return router.router.port;
}

describe('client connections', () => {
  it('answers pipelined requests in order on one connection', async () => {
    const port = await setup();
    const text =
      'POST /1 HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabcGET /2 HTTP/1.1\r\nHost: a\r\n\r\n';
    const got = await raw(port, text, /u:abc[\s\S]*u:$/);
    expect(got.match(/HTTP\/1\.1 200 OK/g)).toHaveLength(2);
    expect(upstream!.seen.map((s) => s.url)).toEqual(['/1', '/2']);
  });

  it('rejects malformed requests with 400 and closes', async () => {
    const port = await setup();
    const got = await raw(port, 'GET / HTTP/1.1\r\nBad Header\r\n\r\n');
    expect(got).toMatch(/^HTTP\/1\.1 400 malformed header line/);
    expect(upstream!.seen).toHaveLength(0);
  });

  it('answers 100-continue itself and closes HTTP/1.0 connections after the response', async () => {
    const port = await setup();
    const cont = await raw(
      port,
      'POST / HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\nhi',
      /u:hi$/,
    );
    expect(cont).toMatch(/^HTTP\/1\.1 100 Continue\r\n\r\nHTTP\/1\.1 200 OK/);
    const old = await raw(port, 'GET / HTTP/1.0\r\n\r\n');
    expect(old).toMatch(/connection: close/);
    expect(old).toMatch(/u:$/);
  });

  it('answers a client that half-closes after sending its request', async () => {
    const port = await setup();
    const got = await new Promise<string>((resolve, reject) => {
      let text = '';
      const socket = connect(port, '127.0.0.1', () => socket.end('GET /half HTTP/1.1\r\nHost: a\r\n\r\n'));
      socket.on('data', (d) => {
        text += d.toString();
      });
      socket.on('close', () => resolve(text));
      socket.on('error', reject);
    });
    expect(got).toMatch(/^HTTP\/1\.1 200 OK[\s\S]*u:$/);
  });

  it('answers requests with chunked bodies', async () => {
    const port = await setup();
    const text =
      'POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n';
    expect(await raw(port, text, /u:abcde$/)).toMatch(/x-served-by: v1\/v1-0/);
  });
});
