import type { Instance, Mirror, NetworkFault, RouteTable, Rule } from './route-table.js';

/** Outcome of `validateRouteTable`: the normalised table, or every problem found. */
export type RouteTableValidation = { ok: true; table: RouteTable } | { ok: false; problems: string[] };

const TOP_KEYS = ['pools', 'weights', 'rules', 'sticky', 'mirror', 'faults'];
const FAULT_KEYS = [
  'latencyMs',
  'resetRate',
  'partition',
  'bandwidthKbps',
  'errorRate',
  'delayMs',
  'delayRate',
  'wrongVerdictRate',
];
const RULE_MATCHERS = ['header', 'cookie', 'segment', 'bucket'];
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const show = (v: unknown): string => (v === undefined ? 'nothing' : JSON.stringify(v));

/** Checks a whole route table without side effects and lists every problem, each with its path. */
export function validateRouteTable(input: unknown): RouteTableValidation {
  const problems: string[] = [];
  if (!isObj(input)) {
    return { ok: false, problems: [`route table must be a JSON object, got ${show(input)}`] };
  }
  unknownKeys(input, TOP_KEYS, '', problems);
  const pools = checkPools(input.pools, problems);
  const versions = Object.keys(pools);
  const known = (version: unknown, path: string): boolean => {
    if (typeof version === 'string' && version in pools) return true;
    problems.push(
      `${path} must name a version in pools (${versions.join(', ') || 'none'}), got ${show(version)}`,
    );
    return false;
  };
  const weights = checkWeights(input.weights, known, problems);
  const rules = checkRules(input.rules ?? [], known, problems);
  if (input.sticky !== undefined && typeof input.sticky !== 'boolean') {
    problems.push(`sticky must be true or false, got ${show(input.sticky)}`);
  }
  const mirror = checkMirror(input.mirror ?? null, known, problems);
  const faults = checkFaults(input.faults ?? {}, known, problems);
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, table: { pools, weights, rules, sticky: input.sticky === true, mirror, faults } };
}

function unknownKeys(obj: Obj, valid: string[], path: string, problems: string[]): void {
  for (const key of Object.keys(obj)) {
    if (!valid.includes(key)) {
      problems.push(`${path}${key} is not a known field; valid fields: ${valid.join(', ')}`);
    }
  }
}

function checkPools(raw: unknown, problems: string[]): Record<string, Instance[]> {
  const pools: Record<string, Instance[]> = {};
  if (!isObj(raw)) {
    problems.push(`pools must be an object of version -> instances, got ${show(raw)}`);
    return pools;
  }
  for (const [version, list] of Object.entries(raw)) {
    pools[version] = [];
    if (!NAME.test(version)) problems.push(`pools.${version}: version name must match ${NAME.source}`);
    if (!Array.isArray(list)) {
      problems.push(`pools.${version} must be an array of {id, url}, got ${show(list)}`);
      continue;
    }
    const seen = new Set<string>();
    list.forEach((item: unknown, i) => {
      const path = `pools.${version}[${i}]`;
      if (!isObj(item)) {
        problems.push(`${path} must be an object {id, url}, got ${show(item)}`);
        return;
      }
      unknownKeys(item, ['id', 'url'], `${path}.`, problems);
      const { id, url } = item;
      if (typeof id !== 'string' || !NAME.test(id)) {
        problems.push(`${path}.id must be a name matching ${NAME.source}, got ${show(id)}`);
      } else if (seen.has(id)) {
        problems.push(`${path}.id "${id}" is used twice in pool ${version}`);
      }
      if (typeof id === 'string') seen.add(id);
      if (!isHttpUrl(url)) problems.push(`${path}.url must be an http:// URL, got ${show(url)}`);
      if (typeof id === 'string' && typeof url === 'string') pools[version]!.push({ id, url });
    });
  }
  return pools;
}

function isHttpUrl(url: unknown): boolean {
  if (typeof url !== 'string') return false;
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' && parsed.hostname !== '';
  } catch {
    return false;
  }
}

type Known = (version: unknown, path: string) => boolean;

function checkWeights(raw: unknown, known: Known, problems: string[]): Record<string, number> {
  const weights: Record<string, number> = {};
  if (!isObj(raw)) {
    problems.push(`weights must be an object of version -> number, got ${show(raw)}`);
    return weights;
  }
  for (const [version, weight] of Object.entries(raw)) {
    known(version, `weights.${version}`);
    if (typeof weight !== 'number' || !Number.isFinite(weight) || weight < 0) {
      problems.push(`weights.${version} must be a number >= 0, got ${show(weight)}`);
    } else {
      weights[version] = weight;
    }
  }
  return weights;
}

function checkRules(raw: unknown, known: Known, problems: string[]): Rule[] {
  if (!Array.isArray(raw)) {
    problems.push(`rules must be an array, got ${show(raw)}`);
    return [];
  }
  const rules: Rule[] = [];
  raw.forEach((rule: unknown, i) => {
    const path = `rules[${i}]`;
    if (!isObj(rule)) {
      problems.push(`${path} must be an object, got ${show(rule)}`);
      return;
    }
    unknownKeys(rule, [...RULE_MATCHERS, 'version'], `${path}.`, problems);
    const matchers = RULE_MATCHERS.filter((m) => rule[m] !== undefined);
    if (matchers.length !== 1) {
      problems.push(`${path} must have exactly one of ${RULE_MATCHERS.join(', ')}, got ${matchers.length}`);
    }
    const before = problems.length;
    known(rule.version, `${path}.version`);
    if (rule.header !== undefined) checkPair(rule.header, `${path}.header`, problems);
    if (rule.cookie !== undefined) checkPair(rule.cookie, `${path}.cookie`, problems);
    if (rule.segment !== undefined && (typeof rule.segment !== 'string' || rule.segment === '')) {
      problems.push(`${path}.segment must be a non-empty string, got ${show(rule.segment)}`);
    }
    if (rule.bucket !== undefined) checkBucket(rule.bucket, `${path}.bucket`, problems);
    if (problems.length === before && matchers.length === 1) rules.push(rule as unknown as Rule);
  });
  return rules;
}

function checkPair(raw: unknown, path: string, problems: string[]): void {
  if (!isObj(raw) || typeof raw.name !== 'string' || raw.name === '' || typeof raw.value !== 'string') {
    problems.push(`${path} must be {name: non-empty string, value: string}, got ${show(raw)}`);
  }
}

function checkBucket(raw: unknown, path: string, problems: string[]): void {
  const ok =
    Array.isArray(raw) &&
    raw.length === 2 &&
    raw.every((n) => Number.isInteger(n)) &&
    raw[0] >= 0 &&
    raw[0] < raw[1] &&
    raw[1] <= 100;
  if (!ok) problems.push(`${path} must be [lo, hi) with integers 0 <= lo < hi <= 100, got ${show(raw)}`);
}

function checkMirror(raw: unknown, known: Known, problems: string[]): Mirror | null {
  if (raw === null) return null;
  if (!isObj(raw)) {
    problems.push(`mirror must be null or {version, percent}, got ${show(raw)}`);
    return null;
  }
  unknownKeys(raw, ['version', 'percent'], 'mirror.', problems);
  known(raw.version, 'mirror.version');
  const percent = raw.percent ?? 100;
  if (typeof percent !== 'number' || !(percent >= 0 && percent <= 100)) {
    problems.push(`mirror.percent must be a number 0-100, got ${show(raw.percent)}`);
  }
  return { version: String(raw.version), percent: Number(percent) };
}

function checkFaults(raw: unknown, known: Known, problems: string[]): Record<string, NetworkFault> {
  const faults: Record<string, NetworkFault> = {};
  if (!isObj(raw)) {
    problems.push(`faults must be an object of version -> fault, got ${show(raw)}`);
    return faults;
  }
  for (const [version, fault] of Object.entries(raw)) {
    const path = `faults.${version}`;
    known(version, path);
    if (!isObj(fault)) {
      problems.push(`${path} must be an object with ${FAULT_KEYS.join(', ')}, got ${show(fault)}`);
      continue;
    }
    unknownKeys(fault, FAULT_KEYS, `${path}.`, problems);
    const {
      latencyMs = 0,
      resetRate = 0,
      partition = false,
      bandwidthKbps = 0,
      errorRate = 0,
      delayMs = 0,
      delayRate = 0,
      wrongVerdictRate = 0,
    } = fault;
    const nonNegative = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0;
    if (!nonNegative(latencyMs))
      problems.push(`${path}.latencyMs must be a number >= 0, got ${show(latencyMs)}`);
    if (!nonNegative(resetRate) || resetRate > 1) {
      problems.push(`${path}.resetRate must be a probability 0-1, got ${show(resetRate)}`);
    }
    for (const [key, rate] of [
      ['errorRate', errorRate],
      ['delayRate', delayRate],
      ['wrongVerdictRate', wrongVerdictRate],
    ] as const) {
      if (!nonNegative(rate) || rate > 1)
        problems.push(`${path}.${key} must be a probability 0-1, got ${show(rate)}`);
    }
    if (!nonNegative(delayMs)) problems.push(`${path}.delayMs must be a number >= 0, got ${show(delayMs)}`);
    else if (nonNegative(delayRate) && delayMs > 0 !== delayRate > 0) {
      problems.push(
        `${path}.delayMs and delayRate go together (delayMs: the delay, delayRate: the share of requests it hits, 1 = all), got delayMs ${show(delayMs)} and delayRate ${show(delayRate)}`,
      );
    }
    if (typeof partition !== 'boolean')
      problems.push(`${path}.partition must be true or false, got ${show(partition)}`);
    if (!nonNegative(bandwidthKbps)) {
      problems.push(
        `${path}.bandwidthKbps must be a number >= 0 (0 = unlimited), got ${show(bandwidthKbps)}`,
      );
    }
    faults[version] = {
      latencyMs,
      resetRate,
      partition,
      bandwidthKbps,
      errorRate,
      delayMs,
      delayRate,
      wrongVerdictRate,
    } as NetworkFault;
  }
  return faults;
}
