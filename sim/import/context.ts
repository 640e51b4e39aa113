import { formatDuration } from '../util/duration.js';
import { goDurationMs, mapPromQL } from './promql.js';

/** What an imported policy is: an Argo Rollouts `Rollout` or a Flagger `Canary`. */
export type PolicyKind = 'argo-rollout' | 'flagger-canary';

/** A mapping (object) read from YAML. */
export type Obj = Record<string, unknown>;

/** Whether a value is a mapping. */
export function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A check as a scenario writes it (threshold kind). */
export type WrittenCheck = Record<string, unknown>;

/**
 * The state of one import: the file, the time scale, the fields that could not be mapped (one line each, with
 * their path) and the problems that make the file unusable (also with their path).
 */
export class ImportContext {
  readonly unmapped: string[] = [];
  readonly problems: string[] = [];

  constructor(
    readonly file: string,
    readonly timeScale: number,
  ) {}

  /** A field that could not be mapped, and why (what the rehearsal does instead). */
  unmap(path: string, why: string): void {
    this.unmapped.push(`${path}: ${why}`);
  }

  /** A problem that stops the import. */
  problem(path: string, message: string): void {
    this.problems.push(`${this.file}: ${path}: ${message}`);
  }

  /** Reports every key of `obj` that is not one of the CRD's published `known` field names. */
  fields(obj: Obj, path: string, what: string, known: readonly string[]): void {
    for (const key of Object.keys(obj))
      if (!known.includes(key))
        this.problem(`${path}.${key}`, `not a field of ${what} (its fields: ${known.join(', ')})`);
  }

  /** A Kubernetes duration (`1m`, `30s`, a number of seconds) at `path`, in milliseconds of policy time. */
  durationMs(value: unknown, path: string): number | undefined {
    const ms = goDurationMs(value);
    if (ms === undefined)
      this.problem(path, `must be a duration such as 30s, 1m or 1m30s, got ${JSON.stringify(value)}`);
    return ms;
  }

  /** Policy time → rehearsal time: divided by the time scale, at least 100 ms, whole milliseconds. */
  scaledMs(ms: number): number {
    return Math.max(100, Math.round(ms / this.timeScale));
  }

  /** A policy duration compressed, as a scenario writes it (`6s`, `1.5s`, `300ms`). */
  scaled(ms: number): string {
    return formatDuration(this.scaledMs(ms));
  }

  /** A whole number at `path`, or a problem. */
  int(value: unknown, path: string, min = 0): number | undefined {
    if (typeof value === 'number' && Number.isInteger(value) && value >= min) return value;
    this.problem(path, `must be a whole number ≥ ${min}, got ${JSON.stringify(value)}`);
    return undefined;
  }

  /** A number at `path`, or a problem. */
  num(value: unknown, path: string): number | undefined {
    if (typeof value === 'number' && Number.isFinite(value)) return value;
    this.problem(path, `must be a number, got ${JSON.stringify(value)}`);
    return undefined;
  }
}

/** A bound on a query's value: `{ max }` or `{ min }`. */
export type Bound = { max?: number; min?: number };

/**
 * A threshold check from a PromQL query and bounds on its value, or undefined (with a line naming the path)
 * when the query has no built-in equivalent.
 */
export function checkFromQuery(
  ctx: ImportContext,
  query: unknown,
  queryPath: string,
  bound: Bound,
  name: string,
): { check: WrittenCheck; rangeMs?: number } | undefined {
  if (typeof query !== 'string' || query.trim() === '') {
    ctx.problem(queryPath, `must be a PromQL query (a string), got ${JSON.stringify(query)}`);
    return undefined;
  }
  const mapped = mapPromQL(query);
  if (!mapped) {
    ctx.unmap(
      queryPath,
      `query has no built-in equivalent (error rate from 5xx counters, histogram_quantile latency), check left out: ${oneLine(query)}` +
        ' (a check carrying the raw query would keep it)',
    );
    return undefined;
  }
  const check: WrittenCheck = { name, metric: mapped.metric };
  const max = bound.max !== undefined ? mapped.convert(bound.max) : undefined;
  const min = bound.min !== undefined ? mapped.convert(bound.min) : undefined;
  if (mapped.flips) {
    if (min !== undefined) check.max = min;
    if (max !== undefined) check.min = max;
  } else {
    if (max !== undefined) check.max = max;
    if (min !== undefined) check.min = min;
  }
  return { check, ...(mapped.rangeMs !== undefined ? { rangeMs: mapped.rangeMs } : {}) };
}

/** A query on one line, shortened for a message. */
export function oneLine(text: string): string {
  const s = text.replace(/\s+/g, ' ').trim();
  return s.length > 160 ? `${s.slice(0, 157)}...` : s;
}
