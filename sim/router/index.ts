/** Public surface of the router for the harness: types, validation, client and in-process start. */

export { RouterClient, RouterClientError } from '../router-client/client.js';
export type { RouterArgs } from './args.js';
export { parseRouterArgs } from './args.js';
export { REQUEST_ID_HEADER, SEGMENT_HEADER, USER_ID_HEADER } from './choose.js';
export { userBucket } from './hash.js';
export { LATENCY_BUCKETS } from './metrics.js';
export { MIRROR_HEADER } from './mirror.js';
export { SERVED_BY } from './proxy.js';
export type {
  BucketRule,
  CookieRule,
  HeaderRule,
  Instance,
  Mirror,
  NetworkFault,
  RouteTable,
  Rule,
  SegmentRule,
} from './route-table.js';
export { emptyRouteTable, NO_FAULT } from './route-table.js';
export type { RouterOptions, RunningRouter } from './router.js';
export { startRouter } from './router.js';
export type { RouteTableValidation } from './validate.js';
export { validateRouteTable } from './validate.js';
