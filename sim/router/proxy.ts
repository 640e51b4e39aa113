import { type ClientRequest, type IncomingMessage, request, type ServerResponse } from 'node:http';
import { chooseVersion, REQUEST_ID_HEADER, shouldMirror } from './choose.js';
import { hashFraction } from './hash.js';
import { forwardHeaders, hasBody } from './headers.js';
import type { UpstreamErrorKind, VersionStats } from './metrics.js';
import { mirrorRequest } from './mirror.js';
import type { Upstream } from './pools.js';
import type { NetworkFault } from './route-table.js';
import type { RouterState } from './state.js';
import { Throttle } from './throttle.js';

/** Response header naming who served a request: `<version>/<instance>` or `router/none`. */
export const SERVED_BY = 'x-served-by';
/** Code recorded when the client went away before its response was complete (nginx's convention). */
export const CLIENT_CLOSED = 499;

/** The data-plane request handler: choose a version, apply its network faults, proxy to one instance. */
export function dataPlane(state: RouterState): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const start = performance.now();
    const version = chooseVersion(state.table, req.headers);
    const upstream = version === null ? undefined : state.pools.next(version);
    if (upstream === undefined) return noRoute(state, version, req, res, start);
    new Exchange(state, upstream, req, res, start).run();
  };
}

function noRoute(
  state: RouterState,
  version: string | null,
  req: IncomingMessage,
  res: ServerResponse,
  start: number,
): void {
  const label = version ?? 'none';
  const hint =
    version === null ? 'no rule matched and every weight is 0' : `pool "${version}" has no instances`;
  sendError(
    res,
    503,
    'router/none',
    `no upstream for this request: ${hint}`,
    'PUT /routes on the admin port with a pool for the chosen version',
  );
  req.resume();
  const codes = state.metrics.instance(label, 'none');
  codes.set(503, (codes.get(503) ?? 0) + 1);
  state.metrics.version(label).observe((performance.now() - start) / 1000);
}

class Exchange {
  private readonly stats: VersionStats;
  private done = false;
  private upstreamReq: ClientRequest | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly state: RouterState,
    private readonly upstream: Upstream,
    private readonly req: IncomingMessage,
    private readonly res: ServerResponse,
    private readonly start: number,
  ) {
    this.stats = state.metrics.version(upstream.version);
    this.stats.inflight++;
    res.on('close', () => this.onClientClose());
  }

  run(): void {
    const fault = this.state.table.faults[this.upstream.version];
    if (fault !== undefined) {
      if (fault.partition) {
        this.stats.upstreamError('connect');
        this.fail(503, 'version unreachable (partition fault)', 'clear faults.<version>.partition');
        return;
      }
      if (fault.resetRate > 0 && this.draw('reset') < fault.resetRate) {
        this.finish('reset');
        this.req.socket.destroy();
        return;
      }
      if (fault.latencyMs > 0) {
        this.timer = setTimeout(() => this.forward(fault), fault.latencyMs);
        return;
      }
    }
    this.forward(fault);
  }

  private forward(fault: NetworkFault | undefined): void {
    if (this.done) return;
    const { req, upstream } = this;
    const headers = forwardHeaders(req.headers);
    const up = request({
      host: upstream.host,
      port: upstream.port,
      method: req.method,
      path: req.url,
      headers,
      agent: upstream.agent,
    });
    this.upstreamReq = up;
    up.setTimeout(this.state.upstreamTimeoutMs, () => up.destroy(new UpstreamTimeout()));
    up.on('response', (upRes) => this.respond(upRes, fault));
    up.on('error', (err) => this.upstreamFailed(err));
    const withBody = hasBody(req.headers);
    const mirror = this.state.table.mirror;
    if (mirror !== null && mirror.version !== upstream.version && shouldMirror(mirror.percent, req.headers)) {
      mirrorRequest(this.state, mirror.version, req, headers, withBody);
    }
    if (withBody) req.pipe(up);
    else up.end();
  }

  private respond(upRes: IncomingMessage, fault: NetworkFault | undefined): void {
    if (this.done) {
      upRes.resume();
      return;
    }
    const status = upRes.statusCode ?? 502;
    const headers = forwardHeaders(upRes.headers);
    headers['x-served-by'] = this.upstream.servedBy;
    this.res.writeHead(status, headers);
    upRes.on('error', () => undefined);
    upRes.on('close', () => {
      if (!upRes.complete && !this.done) {
        this.stats.upstreamError('reset');
        this.finish(status);
        this.res.destroy();
      }
    });
    this.res.on('finish', () => this.finish(status));
    const kbps = fault?.bandwidthKbps ?? 0;
    if (kbps > 0) upRes.pipe(new Throttle(kbps)).pipe(this.res);
    else upRes.pipe(this.res);
  }

  private upstreamFailed(err: Error): void {
    if (this.done) return;
    const kind = classify(err);
    this.stats.upstreamError(kind);
    if (this.res.headersSent) {
      this.finish(this.res.statusCode);
      this.res.destroy();
      return;
    }
    const status = kind === 'timeout' ? 504 : 502;
    this.fail(status, `upstream ${kind} error: ${err.message}`, `check that ${this.upstream.url} is up`);
  }

  private fail(status: number, error: string, hint: string): void {
    sendError(this.res, status, this.upstream.servedBy, error, hint);
    this.req.resume();
    this.finish(status);
  }

  private onClientClose(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    if (this.done) return;
    this.finish(CLIENT_CLOSED);
    this.upstreamReq?.destroy();
  }

  private finish(code: number | string): void {
    if (this.done) return;
    this.done = true;
    const codes = this.upstream.codes;
    codes.set(code, (codes.get(code) ?? 0) + 1);
    this.stats.inflight--;
    this.stats.observe((performance.now() - this.start) / 1000);
    this.state.pools.release(this.upstream);
  }

  private draw(salt: string): number {
    const id = this.req.headers[REQUEST_ID_HEADER];
    return typeof id === 'string' ? hashFraction(`${salt}:${id}`) : Math.random();
  }
}

class UpstreamTimeout extends Error {
  constructor() {
    super('no data from upstream within the timeout');
  }
}

function classify(err: Error): UpstreamErrorKind {
  if (err instanceof UpstreamTimeout) return 'timeout';
  const code = (err as NodeJS.ErrnoException).code;
  const connect = ['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL', 'ENOTFOUND', 'EAI_AGAIN'];
  return code !== undefined && connect.includes(code) ? 'connect' : 'reset';
}

function sendError(res: ServerResponse, status: number, servedBy: string, error: string, hint: string): void {
  const body = JSON.stringify({ error, servedBy, hint });
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
    [SERVED_BY]: servedBy,
  });
  res.end(body);
}
