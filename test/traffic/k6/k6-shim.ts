import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A stand-in for the k6 runtime, for tests on machines without k6: the k6 modules the generated script
 * imports (http, execution, data, metrics) implemented in plain Node, and `run.mjs`, which runs the
 * script's default function once per iteration as one VU and prints what k6's JSON output would hold
 * (Point lines) plus the requests it made. Responses come from a tiny fake judge keyed by x-served-by.
 * It checks the script's own logic; it is not k6 (no scheduler, no VUs in parallel).
 */
export function writeK6Shim(dir: string): string {
  const pkg = join(dir, 'node_modules/k6');
  mkdirSync(pkg, { recursive: true });
  const files: Record<string, string> = {
    'package.json': JSON.stringify({
      name: 'k6',
      type: 'module',
      exports: {
        './http': './http.js',
        './execution': './execution.js',
        './data': './data.js',
        './metrics': './metrics.js',
      },
    }),
    'execution.js': `export const scenario = { name: 'rehearsal', startTime: 0, iterationInTest: 0 };
export const vu = { metrics: { tags: {}, metadata: {} } };
export default { scenario, vu };`,
    'data.js': `export class SharedArray { constructor(_name, make) { return make(); } }`,
    'metrics.js': `import { vu } from './execution.js';
class Metric {
  constructor(name) { this.name = name; }
  add(value, tags) {
    const metadata = { ...vu.metrics.metadata };
    globalThis.__k6shim.points.push({ type: 'Point', metric: this.name, data: { time: new Date().toISOString(), value: Number(value), tags: tags || {}, ...(Object.keys(metadata).length ? { metadata } : {}) } });
  }
}
export class Trend extends Metric {}
export class Rate extends Metric {}
export class Counter extends Metric {}`,
    'http.js': `function request(method, url, body, params) {
  const shim = globalThis.__k6shim;
  shim.requests.push({ method, url, body: body ?? null, headers: { ...(params && params.headers) }, tags: { ...(params && params.tags) } });
  const seq = Number(String(params.headers['x-rehearsal-request-id']).split('-')[1]);
  const servedBy = seq % 2 === 0 ? 'v1/v1-1' : 'v2/v2-1';
  const headers = { 'X-Served-By': servedBy };
  if (seq % 7 === 3) return { status: 0, headers: {}, body: null, error: 'dial: i/o timeout' };
  if (servedBy.startsWith('v2') && seq % 5 === 0) return { status: 500, headers: { ...headers, 'X-Rehearsal-Fault': 'http-errors' }, body: 'boom', error: '' };
  if (method === 'POST') {
    const sub = JSON.parse(body);
    const verdict = servedBy.startsWith('v2') ? 'wrong-answer' : shim.expected[sub.source_code];
    return { status: 201, headers, body: JSON.stringify({ token: 'tok-' + seq, verdict }), error: '' };
  }
  return { status: 200, headers, body: '{}', error: '' };
}
export default {
  get: (url, params) => request('GET', url, undefined, params),
  post: (url, body, params) => request('POST', url, body, params),
};`,
  };
  for (const [name, text] of Object.entries(files)) writeFileSync(join(pkg, name), text);
  const runner = join(dir, 'run.mjs');
  writeFileSync(
    runner,
    `import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
const [script, iterations, startTime, expectedFile] = process.argv.slice(2);
globalThis.__ENV = { REHEARSAL_TARGET: 'http://target.test:1/' };
globalThis.open = (p) => readFileSync(resolve(dirname(script), p), 'utf8');
globalThis.__k6shim = { points: [], requests: [], expected: JSON.parse(readFileSync(expectedFile, 'utf8')) };
const exec = (await import('k6/execution')).default;
exec.scenario.startTime = Number(startTime);
const mod = await import(script);
for (let i = 0; i < Number(iterations); i++) {
  exec.scenario.iterationInTest = i;
  mod.default();
}
process.stdout.write(JSON.stringify({ options: mod.options, points: globalThis.__k6shim.points, requests: globalThis.__k6shim.requests }));
`,
  );
  return runner;
}
