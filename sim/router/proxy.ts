import { chooseVersion, REQUEST_ID_HEADER, shouldMirror } from './choose.js';
import type { ClientRequest } from './client-conn.js';
import type { ClientResponse } from './client-response.js';
import { hashFraction } from './hash.js';
import { hasBody, requestHead } from './headers.js';
import type { VersionStats } from './metrics.js';
import { mirrorRequest } from './mirror.js';
import type { Upstream } from './pools.js';
import type { RouterState } from './state.js';
import { Pacer } from './throttle.js';
import type { ExchangeSink, UpstreamError, UpstreamRequest } from './upstream-client.js';
import { VerdictRewrites } from './verdicts.js';

/** Response header naming who served a request: `<version>/<instance>` or `router/none`. */
export const SERVED_BY = 'x-served-by';
/** Code recorded when the client went away before its response was complete (nginx's convention). */
export const CLIENT_CLOSED = 499;
/** Response header marking a response a fault shaped (the router's own service-side faults set it too). */
const FAULT_HEADER = 'x-rehearsal-fault';
/** Largest answer read for a verdict rewrite; a longer one is passed on as it is. */
const MAX_REWRITE_BYTES = 8 << 20;

/** The data-plane request handler: choose a version, apply its network faults, proxy to one instance. */
export function dataPlane(state: RouterState): (req: ClientRequest, res: ClientResponse) => void {
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
  req: ClientRequest,
  res: ClientResponse,
  start: number,
): void {
  const label = version ?? 'none';
  const why =
    version === null ? 'no rule matched and every weight is 0' : `pool "${version}" has no (ready) instances`;
  const hint = 'PUT /routes on the admin port with a pool for the chosen version';
  req.discard();
  // A chosen version with an empty pool answers as `<version>/none`, so the 503 is charged to that version.
  sendError(
    res,
    503,
    `${label === 'none' ? 'router' : label}/none`,
    `no upstream for this request: ${why}`,
    hint,
  );
  const codes = state.metrics.upstream(label, 'none');
  codes.set(503, (codes.get(503) ?? 0) + 1);
  state.metrics.version(label).observe((performance.now() - start) / 1000);
}

/** One client request proxied to one upstream instance; it is also the sink of the upstream response. */
class Exchange implements ExchangeSink {
  private readonly stats: VersionStats;
  private done = false;
  private upstreamReq: UpstreamRequest | undefined;
  private shadow: UpstreamRequest | undefined;
  private pacer: Pacer | undefined;
  private timer: NodeJS.Timeout | undefined;
  private kbps = 0;
  private paused = false;
  /** The `x-rehearsal-fault` marker of a router-injected delay on this request. */
  private delayMark: string | undefined;
  /** `wrongVerdictRate` of this version when this request creates submissions (their tokens are drawn). */
  private claimRate = 0;
  /** True when the answer is read whole for a verdict rewrite (a create answer above, or a poll of a drawn token). */
  private rewriting = false;
  /** The held head of an answer being read for a rewrite. */
  private held: { status: number; headers: string[] } | undefined;
  private buffered: Buffer[] = [];
  private bufferedBytes = 0;

  constructor(
    private readonly state: RouterState,
    private readonly upstream: Upstream,
    private readonly req: ClientRequest,
    private readonly res: ClientResponse,
    private readonly start: number,
  ) {
    this.stats = state.metrics.version(upstream.version);
    this.stats.inflight++;
    res.onClose((finished) => this.onClientClose(finished));
  }

  run(): void {
    const fault = this.state.table.faults[this.upstream.version];
    const { req } = this;
    this.rewriting = this.state.verdicts.polls(req.method, req.url, req.headers);
    if (fault !== undefined) {
      if (fault.partition) {
        this.stats.upstreamError('connect');
        this.fail(503, 'version unreachable (partition fault)', 'clear faults.<version>.partition');
        return;
      }
      if (fault.resetRate > 0 && this.draw('reset') < fault.resetRate) {
        this.finish('reset');
        this.req.destroySocket();
        return;
      }
      if (fault.errorRate > 0 && this.draw('error') < fault.errorRate) {
        this.stats.injected('http-errors');
        this.req.discard();
        sendError(
          this.res,
          500,
          this.upstream.servedBy,
          'injected error (router http-errors fault)',
          'clear faults.<version>.errorRate',
          'http-errors',
        );
        this.finish(500);
        return;
      }
      this.kbps = fault.bandwidthKbps;
      if (fault.wrongVerdictRate > 0 && VerdictRewrites.creates(req.method, req.url)) {
        this.claimRate = fault.wrongVerdictRate;
        this.rewriting = true;
      }
      let wait = fault.latencyMs;
      if (fault.delayMs > 0 && this.draw('delay') < fault.delayRate) {
        this.delayMark = fault.delayRate >= 1 ? 'latency' : 'tail-latency';
        this.stats.injected(this.delayMark);
        wait += fault.delayMs;
      }
      if (wait > 0) {
        this.timer = setTimeout(() => this.forward(), wait);
        return;
      }
    }
    this.forward();
  }

  private forward(): void {
    if (this.done) return;
    const { req, upstream } = this;
    const withBody = hasBody(req.headers);
    const noBody = req.method === 'HEAD';
    const head = requestHead(req, upstream.hostHeader, this.rewriting);
    const up = upstream.connections.request(head, this, { noBody, body: withBody });
    this.upstreamReq = up;
    const mirror = this.state.table.mirror;
    if (mirror !== null && mirror.version !== upstream.version && shouldMirror(mirror.percent, req.headers)) {
      this.shadow = mirrorRequest(this.state, mirror.version, head, { noBody, body: withBody });
    }
    if (withBody) streamBody(req, up, this.shadow);
  }

  head(status: number, headers: string[]): void {
    headers.push(SERVED_BY, this.upstream.servedBy);
    if (this.delayMark !== undefined) headers.push(FAULT_HEADER, this.delayMark);
    if (this.rewriting && status >= 200 && status < 300 && !encoded(headers)) {
      this.held = { status, headers };
      return;
    }
    this.sendHead(status, headers);
  }

  private sendHead(status: number, headers: string[]): void {
    this.res.writeHead(status, headers);
    if (this.kbps > 0) {
      this.pacer = new Pacer(
        this.kbps,
        (slice) => this.res.write(slice),
        () => this.res.end(),
      );
    }
  }

  data(chunk: Buffer): void {
    if (this.held !== undefined) {
      this.buffered.push(chunk);
      this.bufferedBytes += chunk.length;
      if (this.bufferedBytes > MAX_REWRITE_BYTES) this.release(undefined);
      return;
    }
    const more = this.pacer === undefined ? this.res.write(chunk) : this.pacer.push(chunk);
    if (more || this.paused) return;
    this.paused = true;
    this.upstreamReq?.pause();
    const resume = (): void => {
      this.paused = false;
      this.upstreamReq?.resume();
    };
    if (this.pacer === undefined) this.res.onDrain(resume);
    else this.pacer.onDrain(resume);
  }

  end(): void {
    if (this.held !== undefined) this.release(this.rewritten(Buffer.concat(this.buffered)));
    if (this.pacer === undefined) this.res.end();
    else this.pacer.end();
  }

  /** The answer with its verdicts flipped (undefined when none is), counting what was flipped. */
  private rewritten(body: Buffer): Buffer | undefined {
    const claim =
      this.claimRate > 0
        ? {
            version: this.upstream.version,
            rate: this.claimRate,
            draw: (i: number) => this.draw(i === 0 ? 'verdict' : `verdict-${i}`),
          }
        : undefined;
    const result = this.state.verdicts.rewrite(body.toString('utf8'), claim, this.req.url);
    const charged = new Set<string>();
    for (const { version, first } of result.flipped) {
      const stats = this.state.metrics.version(version);
      if (first !== undefined) stats.rewrittenVerdict(first);
      if (!charged.has(version)) stats.injected('wrong-verdict');
      charged.add(version);
    }
    return result.body;
  }

  /** Sends the held head and what was buffered: `body` instead when the answer was rewritten. */
  private release(body: Buffer | undefined): void {
    const { status, headers } = this.held!;
    this.held = undefined;
    const out = body ?? Buffer.concat(this.buffered);
    this.buffered = [];
    if (body !== undefined) {
      for (let i = headers.length - 2; i >= 0; i -= 2) {
        if (headers[i]!.toLowerCase() === 'content-length') headers.splice(i, 2);
      }
      headers.push('content-length', String(body.length), FAULT_HEADER, 'wrong-verdict');
    }
    this.sendHead(status, headers);
    this.data(out);
  }

  error(err: UpstreamError): void {
    if (this.done) return;
    this.stats.upstreamError(err.kind);
    if (this.res.headersSent) {
      this.finish(this.res.statusCode);
      this.res.destroy();
      return;
    }
    const status = err.kind === 'timeout' ? 504 : 502;
    this.fail(status, `upstream ${err.kind} error: ${err.message}`, `check that ${this.upstream.url} is up`);
  }

  private fail(status: number, error: string, hint: string): void {
    this.req.discard();
    sendError(this.res, status, this.upstream.servedBy, error, hint);
    this.finish(status);
  }

  private onClientClose(finished: boolean): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    if (this.done) return;
    if (finished) {
      this.finish(this.res.statusCode);
      return;
    }
    this.finish(CLIENT_CLOSED);
    this.pacer?.stop();
    this.upstreamReq?.abort();
    if (!this.req.complete) this.shadow?.abort();
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

/** Whether an answer's body is content-encoded (gzip and the like): the router then leaves it as it is. */
function encoded(headers: string[]): boolean {
  for (let i = 0; i < headers.length; i += 2) {
    if (headers[i]!.toLowerCase() === 'content-encoding') return headers[i + 1]!.toLowerCase() !== 'identity';
  }
  return false;
}

/** Streams the client's body upstream (re-chunked when it came chunked), pausing the client when upstream is slow. */
function streamBody(req: ClientRequest, up: UpstreamRequest, shadow: UpstreamRequest | undefined): void {
  const chunked = req.headers['transfer-encoding'] !== undefined;
  req.setBodySink(
    (chunk) => {
      const framed = chunked
        ? Buffer.concat([Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, CRLF])
        : chunk;
      shadow?.write(framed);
      if (!up.write(framed)) {
        req.pause();
        up.onDrain(() => req.resume());
      }
    },
    () => {
      if (chunked) {
        shadow?.write(LAST_CHUNK);
        up.write(LAST_CHUNK);
      }
      shadow?.end();
      up.end();
    },
  );
}

const CRLF = Buffer.from('\r\n');
const LAST_CHUNK = Buffer.from('0\r\n\r\n');

function sendError(
  res: ClientResponse,
  status: number,
  servedBy: string,
  error: string,
  hint: string,
  fault?: string,
): void {
  const body = JSON.stringify({ error, servedBy, hint });
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
    [SERVED_BY]: servedBy,
    ...(fault ? { [FAULT_HEADER]: fault } : {}),
  });
  res.end(body);
}
