import type { IncomingHttpHeaders } from 'node:http';
import { hashFraction, userBucket } from './hash.js';
import type { RouteTable, Rule } from './route-table.js';

/** Request header carrying the traffic generator's request id; its hash drives the weighted draw. */
export const REQUEST_ID_HEADER = 'x-rehearsal-request-id';
/** Request header carrying the user id; hashed for stickiness and bucket rules. */
export const USER_ID_HEADER = 'x-user-id';
/** Request header carrying the user segment matched by `segment` rules. */
export const SEGMENT_HEADER = 'x-user-segment';

const single = (v: string | string[] | undefined): string | undefined => (Array.isArray(v) ? v[0] : v);

/** Picks the version for a request: first matching rule, else a weighted draw; `null` when nothing can serve. */
export function chooseVersion(table: RouteTable, headers: IncomingHttpHeaders): string | null {
  for (const rule of table.rules) {
    if (ruleMatches(rule, headers)) return rule.version;
  }
  return weightedVersion(table.weights, versionDraw(table.sticky, headers));
}

/** The draw in [0, 1) for the weighted split: hash of the user id when sticky, else of the request id, else random. */
export function versionDraw(sticky: boolean, headers: IncomingHttpHeaders): number {
  const key = sticky
    ? (single(headers[USER_ID_HEADER]) ?? single(headers[REQUEST_ID_HEADER]))
    : single(headers[REQUEST_ID_HEADER]);
  return key === undefined ? Math.random() : hashFraction(key);
}

/** Maps a draw in [0, 1) onto versions in proportion to their weights; `null` when all weights are 0. */
export function weightedVersion(weights: Record<string, number>, draw: number): string | null {
  let total = 0;
  for (const version in weights) total += weights[version]!;
  if (total <= 0) return null;
  let point = draw * total;
  let last: string | null = null;
  for (const version in weights) {
    const weight = weights[version]!;
    if (weight <= 0) continue;
    if (point < weight) return version;
    point -= weight;
    last = version;
  }
  return last;
}

/** True when `rule` selects this request. */
export function ruleMatches(rule: Rule, headers: IncomingHttpHeaders): boolean {
  if ('header' in rule) return single(headers[rule.header.name.toLowerCase()]) === rule.header.value;
  if ('segment' in rule) return single(headers[SEGMENT_HEADER]) === rule.segment;
  if ('cookie' in rule) return cookieValue(headers.cookie, rule.cookie.name) === rule.cookie.value;
  const userId = single(headers[USER_ID_HEADER]);
  if (userId === undefined) return false;
  const bucket = userBucket(userId);
  return bucket >= rule.bucket[0] && bucket < rule.bucket[1];
}

/** True when this request should also be copied to the mirror version (independent of the version draw). */
export function shouldMirror(percent: number, headers: IncomingHttpHeaders): boolean {
  if (percent >= 100) return true;
  if (percent <= 0) return false;
  const id = single(headers[REQUEST_ID_HEADER]);
  const draw = id === undefined ? Math.random() : hashFraction(`mirror:${id}`);
  return draw * 100 < percent;
}

function cookieValue(header: string | undefined, name: string): string | undefined {
  if (header === undefined) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}
