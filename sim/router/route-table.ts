/** One upstream instance of a version's pool. */
export interface Instance {
  /** Instance id, unique within its pool; shown in `x-served-by`. */
  id: string;
  /** Base URL of the instance, `http://host:port`. */
  url: string;
}

/** Send requests carrying header `name: value` to `version`. */
export interface HeaderRule {
  /** Header to match (case-insensitive name, exact value). */
  header: { name: string; value: string };
  /** Version that serves matching requests. */
  version: string;
}

/** Send requests carrying cookie `name=value` to `version`. */
export interface CookieRule {
  /** Cookie to match (exact name and value). */
  cookie: { name: string; value: string };
  /** Version that serves matching requests. */
  version: string;
}

/** Send requests whose `x-user-segment` header equals `segment` to `version`. */
export interface SegmentRule {
  /** Segment name such as `internal` or `vip`. */
  segment: string;
  /** Version that serves matching requests. */
  version: string;
}

/** Send users whose id hashes into `[lo, hi)` of 0–99 to `version`. */
export interface BucketRule {
  /** Half-open bucket range `[lo, hi)` within 0–100. */
  bucket: [number, number];
  /** Version that serves matching requests. */
  version: string;
}

/** A routing rule; the first matching rule in the table wins. */
export type Rule = HeaderRule | CookieRule | SegmentRule | BucketRule;

/** Shadow copies of live requests sent to one version; their responses are discarded. */
export interface Mirror {
  /** Version receiving the copies. */
  version: string;
  /** Share of requests mirrored, 0–100. */
  percent: number;
}

/** Network faults the router applies to one version's traffic. */
export interface NetworkFault {
  /** Delay added before the request is forwarded, in milliseconds. */
  latencyMs: number;
  /** Probability 0–1 that the client connection is reset instead of answered. */
  resetRate: number;
  /** When true the version is unreachable: requests get 503 without reaching it. */
  partition: boolean;
  /** Response body throughput limit in kilobits per second; 0 = unlimited. */
  bandwidthKbps: number;
  /**
   * Probability 0–1 that the router answers HTTP 500 itself, marked `x-rehearsal-fault: http-errors`
   * (a service fault injected in front of a service that has no toggles of its own).
   */
  errorRate: number;
  /**
   * Milliseconds the router waits before forwarding `delayRate` of requests, marked `x-rehearsal-fault: latency`
   * (every request, `delayRate` 1) or `tail-latency` (a share): a service's latency fault injected in front of a
   * service without toggles. Added to `latencyMs`, which is the unmarked network delay.
   */
  delayMs: number;
  /** Share 0–1 of requests `delayMs` applies to; both are 0 or both are > 0. */
  delayRate: number;
  /**
   * Probability 0–1 that a submission created through this version gets its verdict flipped in every answer the
   * router passes about it (accepted ↔ not accepted), marked `x-rehearsal-fault: wrong-verdict`.
   */
  wrongVerdictRate: number;
}

/** The whole routing configuration, replaced atomically through `PUT /routes`. */
export interface RouteTable {
  /** Instances per version. A pool may be empty. */
  pools: Record<string, Instance[]>;
  /** Relative weights per version used when no rule matches. */
  weights: Record<string, number>;
  /** Rules tried in order before the weights. */
  rules: Rule[];
  /** When true the weighted draw hashes `x-user-id`, so a user stays on one version. */
  sticky: boolean;
  /** Optional shadow traffic; `null` when off. */
  mirror: Mirror | null;
  /** Network faults per version; versions absent here have none. */
  faults: Record<string, NetworkFault>;
}

/** A table with no pools: every request gets 503 from `router/none`. */
export function emptyRouteTable(): RouteTable {
  return { pools: {}, weights: {}, rules: [], sticky: false, mirror: null, faults: {} };
}

/** The fault values meaning "no fault". */
export const NO_FAULT: Readonly<NetworkFault> = Object.freeze({
  latencyMs: 0,
  resetRate: 0,
  partition: false,
  bandwidthKbps: 0,
  errorRate: 0,
  delayMs: 0,
  delayRate: 0,
  wrongVerdictRate: 0,
});
