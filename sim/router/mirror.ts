import { type IncomingMessage, type OutgoingHttpHeaders, request } from 'node:http';
import type { RouterState } from './state.js';

/** Header marking a shadow copy, so the receiving version can tell it apart. */
export const MIRROR_HEADER = 'x-rehearsal-mirror';

/**
 * Sends a shadow copy of `req` to the next instance of `version` and discards the answer.
 * Must be called in the same tick as the primary's `pipe` so that both see every body chunk.
 */
export function mirrorRequest(
  state: RouterState,
  version: string,
  req: IncomingMessage,
  headers: OutgoingHttpHeaders,
  withBody: boolean,
): void {
  const stats = state.metrics.version(version);
  const upstream = state.pools.next(version);
  if (upstream === undefined) {
    stats.mirror('503');
    return;
  }
  let settled = false;
  const settle = (code: string): void => {
    if (settled) return;
    settled = true;
    stats.mirror(code);
    state.pools.release(upstream);
  };
  if (state.table.faults[version]?.partition === true) {
    settle('error');
    return;
  }
  const copy = request({
    host: upstream.host,
    port: upstream.port,
    method: req.method,
    path: req.url,
    headers: { ...headers, [MIRROR_HEADER]: '1' },
    agent: upstream.agent,
  });
  copy.setTimeout(state.upstreamTimeoutMs, () => copy.destroy(new Error('mirror request timed out')));
  copy.on('error', () => settle('error'));
  copy.on('response', (res) => {
    res.on('close', () => settle(res.complete ? String(res.statusCode) : 'error'));
    res.resume();
  });
  if (!withBody) {
    copy.end();
    return;
  }
  req.on('data', (chunk: Buffer) => copy.write(chunk));
  req.on('end', () => copy.end());
  req.on('close', () => {
    if (!req.complete) copy.destroy();
  });
}
