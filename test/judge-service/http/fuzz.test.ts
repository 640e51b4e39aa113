import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mulberry32 } from '../../helpers/random.js';
import { rawExchange } from '../../helpers/raw-http.js';
import { type Judge, startJudge, until } from '../helpers.js';

const SEED = 20261201;
const REQUESTS = 2400;
const CONCURRENCY = 6;

type Rand = () => number;
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
const int = (r: Rand, n: number) => Math.floor(r() * n);

const SEGMENTS = ['submissions', 'leaderboard', 'problems', 'healthz', 'admin', 'toggles', 'metrics', 'x'];
const ESCAPES = ['%', '%2', '%zz', '%E0%A4', '%C0%AF', '%FF', '%00', '%2F', '%20', '%25', '%u1234', '%%'];
const PATH_CHARS = "abcXYZ019-._~!$&'()*+,;=:@";

function segment(r: Rand): string {
  if (r() < 0.4) return pick(r, SEGMENTS);
  let s = '';
  for (let i = int(r, 8); i >= 0; i--) s += r() < 0.3 ? pick(r, ESCAPES) : pick(r, PATH_CHARS.split(''));
  return s;
}

const ROUTES = ['/healthz', '/readyz', '/languages', '/statuses', '/problems', '/leaderboard', '/metrics'];

function target(r: Rand): string {
  // A third hit real routes (with random queries and tokens) so the handlers, not only the 404 path, get fuzzed.
  if (r() < 0.35) {
    const base = r() < 0.6 ? pick(r, ROUTES) : `/submissions/${segment(r)}`;
    return r() < 0.5 ? base : `${base}?${pick(r, ['limit', 'wait', '%zz'])}=${segment(r)}`;
  }
  let path = '';
  for (let i = 1 + int(r, 3); i > 0; i--) path += `/${r() < 0.1 ? '' : segment(r)}`;
  if (r() < 0.4) path += `?${pick(r, ['limit', 'wait', 'x', '%zz'])}=${segment(r)}&${segment(r)}`;
  if (r() < 0.05) path = pick(r, ['*', 'http://judge.local/healthz', '//', '/..%2F..', '/submissions/']);
  return path;
}

function jsonBody(r: Rand): string {
  const values = [
    '"two-sum"',
    '"nope"',
    '"__proto__"',
    '1',
    'null',
    'true',
    '[]',
    '{}',
    '"\\ud800"',
    '1e999',
    '"%zz"',
  ];
  const fields = ['problem_id', 'source_code', 'language_id', 'user_id', '__proto__', 'constructor', 'x'];
  const parts = Array.from({ length: int(r, 5) }, () => `"${pick(r, fields)}":${pick(r, values)}`);
  const json = `{${parts.join(',')}}`;
  return pick(r, [json, json, json.slice(0, int(r, json.length)), '[1,2]', '"s"', '{"a":', '\u00ff\u0000']);
}

const HEADER_NAMES = [
  'x-a',
  'accept',
  'content-type',
  'authorization',
  'x-user-id',
  'cookie',
  'x-rehearsal-route',
];
const HEADER_VALUES = [
  '',
  'a',
  'Bearer x',
  'application/json',
  '%zz',
  '\u00e9\u00ff',
  '"quoted"',
  'a'.repeat(300),
];

/** A complete, well-framed request: the service must answer it with 2xx or 4xx. */
function wellFormed(r: Rand): string {
  const method = pick(r, ['GET', 'GET', 'GET', 'POST', 'POST', 'PUT', 'DELETE', 'HEAD', 'OPTIONS', 'PATCH']);
  let head = `${method} ${target(r)} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n`;
  for (let i = int(r, 4); i > 0; i--) head += `${pick(r, HEADER_NAMES)}: ${pick(r, HEADER_VALUES)}\r\n`;
  if (method === 'GET' || method === 'HEAD' || r() < 0.2) return `${head}\r\n`;
  const body = jsonBody(r);
  if (r() < 0.3) {
    const chunks = [body.slice(0, body.length >> 1), body.slice(body.length >> 1)].filter(Boolean);
    const framed = chunks
      .map((c) => `${Buffer.byteLength(c, 'latin1').toString(16)};x=1\r\n${c}\r\n`)
      .join('');
    return `${head}Transfer-Encoding: chunked\r\n\r\n${framed}0\r\n\r\n`;
  }
  return `${head}Content-Length: ${Buffer.byteLength(body, 'latin1')}\r\n\r\n${body}`;
}

/** Broken framing or bytes: any answer (or none) is fine as long as the instance survives. */
function malformed(r: Rand): { bytes: string; halfClose: boolean } {
  const good = wellFormed(r);
  const kind = int(r, 8);
  const bytes = [
    () => good.slice(0, int(r, good.length)),
    () => good.replace('\r\n\r\n', `\r\nContent-Length: ${1 + int(r, 9999)}\r\n\r\n{"a`),
    () => good.replace('\r\n\r\n', '\r\nTransfer-Encoding: chunked\r\n\r\nfffffffffffffffffff\r\nab'),
    () => good.replace('\r\n', '\n').replace('Host', r() < 0.5 ? 'Ho\u0000st' : ' Host'),
    () => `${good.slice(0, good.indexOf('\r\n\r\n'))}\r\nX: ${'z'.repeat(20_000 + int(r, 60_000))}\r\n\r\n`,
    () => Array.from({ length: 1 + int(r, 200) }, () => String.fromCharCode(int(r, 256))).join(''),
    () => good.replace('HTTP/1.1', pick(r, ['HTTP/9.9', 'HTTP/1.1 x', 'HTTP/1.'])),
    () => good.replace('\r\n\r\n', '\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\n'),
  ][kind]!();
  return { bytes, halfClose: r() < 0.5 };
}

describe('judge service HTTP fuzz (seeded, bounded)', () => {
  let j: Judge;
  beforeAll(async () => {
    j = await startJudge({ args: ['--workers', '1', '--wait-ms', '500'] });
    await until(async () => (await fetch(`${j.url}/readyz`)).status === 200);
  });
  afterAll(async () => {
    expect(await j.stop()).toBe(0);
  });

  it(`stays up through ${REQUESTS} random requests and answers every well-formed one with 2xx/4xx`, async () => {
    const r = mulberry32(SEED);
    const cases = Array.from({ length: REQUESTS }, () => {
      if (r() < 0.7) return { bytes: wellFormed(r), halfClose: false, checked: true };
      return { ...malformed(r), checked: false };
    });
    const bad: string[] = [];
    const classes = { '2xx': 0, '4xx': 0 };
    let next = 0;
    const worker = async () => {
      while (next < cases.length && j.proc.exitCode === null) {
        const c = cases[next++]!;
        const reply = await rawExchange(j.port, c.bytes, { halfClose: c.halfClose, idleMs: 1500 });
        if (!c.checked) continue;
        const status = reply.statuses.find((s) => s >= 200);
        if (status === undefined || status >= 500)
          bad.push(`${status ?? reply.ended}: ${JSON.stringify(c.bytes.slice(0, 160))}`);
        else classes[status < 300 ? '2xx' : '4xx']++;
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    expect(j.proc.exitCode, j.output.slice(-5).join('\n')).toBeNull();
    expect(bad.slice(0, 10)).toEqual([]);
    // The fuzz must reach the handlers, not only Node's parser: plenty of both kinds of answer.
    expect(classes['2xx'], JSON.stringify(classes)).toBeGreaterThan(REQUESTS * 0.03);
    expect(classes['4xx'], JSON.stringify(classes)).toBeGreaterThan(REQUESTS * 0.2);
    expect((await fetch(`${j.url}/healthz`)).status).toBe(200);
    expect(j.output.filter((l) => l.includes('"level":"error"'))).toEqual([]);
  }, 120_000);
});
