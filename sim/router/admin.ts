import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RouterState } from './state.js';
import { validateRouteTable } from './validate.js';

const MAX_BODY_BYTES = 1 << 20;
const ENDPOINTS = 'GET /routes, PUT /routes, GET /metrics, GET /healthz';

/** The admin request handler: route table (bearer token), metrics and health (open). */
export function adminApi(
  state: RouterState,
  token: string,
): (req: IncomingMessage, res: ServerResponse) => void {
  const expected = digest(token);
  return (req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/healthz' && req.method === 'GET') {
      return json(res, 200, { ok: true, draining: state.pools.draining() });
    }
    if (path === '/metrics' && req.method === 'GET') {
      const body = state.metrics.render();
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' });
      return void res.end(body);
    }
    if (path !== '/routes') {
      return json(res, 404, { error: `no endpoint ${req.method} ${path}`, hint: `endpoints: ${ENDPOINTS}` });
    }
    if (!authorised(req, expected)) {
      return json(res, 401, {
        error: 'missing or wrong bearer token',
        hint: 'send "Authorization: Bearer <token>" with the router\'s admin token (REHEARSAL_ROUTER_TOKEN or --admin-token-file)',
      });
    }
    if (req.method === 'GET') return json(res, 200, state.table);
    if (req.method === 'PUT') return void putRoutes(state, req, res);
    res.setHeader('allow', 'GET, PUT');
    json(res, 405, { error: `${req.method} /routes is not supported`, hint: 'use GET or PUT /routes' });
  };
}

async function putRoutes(state: RouterState, req: IncomingMessage, res: ServerResponse): Promise<void> {
  let text: string;
  try {
    text = await readBody(req);
  } catch (err) {
    return json(res, 413, { error: (err as Error).message, hint: 'send a smaller route table' });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    const problems = [`body is not valid JSON: ${(err as Error).message}`];
    return json(res, 400, { error: 'invalid route table', problems, hint: 'send the table as JSON' });
  }
  const result = validateRouteTable(parsed);
  if (!result.ok) {
    const hint = 'fix every problem listed and PUT the whole table again; the old table stays in force';
    return json(res, 400, { error: 'invalid route table', problems: result.problems, hint });
  }
  state.setTable(result.table);
  json(res, 200, state.table);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new Error(`route table larger than ${MAX_BODY_BYTES} bytes`));
        req.resume();
      } else {
        chunks.push(chunk);
      }
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function authorised(req: IncomingMessage, expected: Buffer): boolean {
  const header = req.headers.authorization ?? '';
  const match = /^Bearer (.+)$/i.exec(header);
  return match !== null && timingSafeEqual(digest(match[1]!), expected);
}

const digest = (text: string): Buffer => createHash('sha256').update(text).digest();

function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
