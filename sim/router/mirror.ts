import type { RouterState } from './state.js';
import type { ExchangeSink, UpstreamRequest } from './upstream-client.js';

/** Header marking a shadow copy, so the receiving version can tell it apart. */
export const MIRROR_HEADER = 'x-rehearsal-mirror';

/** Header the judge service puts on answers a fault shaped. */
const FAULT_HEADER = 'x-rehearsal-fault';

/**
 * Sends a shadow copy of a request (its upstream `head`) to the next instance of `version` and discards the
 * answer, counting it in `rehearsal_router_mirror_requests_total`. Returns the handle to stream the body into,
 * or undefined when there is nothing to send to.
 */
export function mirrorRequest(
  state: RouterState,
  version: string,
  head: string,
  options: { noBody: boolean; body: boolean },
): UpstreamRequest | undefined {
  const stats = state.metrics.version(version);
  const upstream = state.pools.next(version);
  if (upstream === undefined) {
    stats.mirror('503');
    return undefined;
  }
  let status = 0;
  let settled = false;
  const settle = (code: string): void => {
    if (settled) return;
    settled = true;
    stats.mirror(code);
    state.pools.release(upstream);
  };
  if (state.table.faults[version]?.partition === true) {
    settle('error');
    return undefined;
  }
  const sink: ExchangeSink = {
    head: (code, headers) => {
      status = code;
      for (let i = 0; i < headers.length; i += 2) {
        if (headers[i]!.toLowerCase() === FAULT_HEADER) stats.mirrorFault(headers[i + 1]!);
      }
    },
    data: () => undefined,
    end: () => settle(String(status)),
    error: () => settle('error'),
  };
  const marked = `${head.slice(0, -2)}${MIRROR_HEADER}: 1\r\n\r\n`;
  return upstream.connections.request(marked, sink, options);
}
