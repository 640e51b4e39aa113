import { rename, writeFile } from 'node:fs/promises';
import type { Clock } from '../clock/clock.js';
import { messageOf } from '../util/errors.js';
import type { Logger } from '../util/logger.js';
import { type PromQLArgs, type PromQLMetric, renderPromQL } from './promql.js';
import type { QueryValue } from './queries.js';
import type { ScrapeDistortion, ScrapeTarget } from './scraper.js';

/** An address nothing listens on: a `metrics-down` fault points every target there, so every scrape fails. */
export const DOWN_ADDRESS = '127.0.0.1:1';

/**
 * How late Prometheus applies a changed targets file: file_sd reads it within its refresh (1 s, or at once on
 * inotify), and Prometheus's discovery manager passes target updates on at most every 5 s.
 */
export const TARGET_UPDATE_LAG_MS = 6000;

/** Prometheus's HTTP API (`/api/v1/query`), instant queries only. */
export class PrometheusApi {
  constructor(
    readonly url: string,
    private readonly timeoutMs = 5000,
  ) {}

  /**
   * Evaluates `expr` at `atMs` (epoch ms; default: Prometheus's now). A scalar, or a vector of one series, is its
   * value; an empty vector (or NaN: a ratio of zero over zero) is undefined. A vector of several series is an
   * error: a check needs one number, so the query must aggregate (sum, max).
   */
  async query(expr: string, atMs?: number): Promise<number | undefined> {
    const body = new URLSearchParams({ query: expr });
    if (atMs !== undefined) body.set('time', (atMs / 1000).toFixed(3));
    const res = await fetch(`${this.url.replace(/\/$/, '')}/api/v1/query`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body,
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    const text = await res.text();
    let parsed: PromResponse;
    try {
      parsed = JSON.parse(text) as PromResponse;
    } catch {
      throw new Error(`Prometheus answered HTTP ${res.status} with no JSON: ${text.slice(0, 200)}`);
    }
    if (parsed.status !== 'success')
      throw new Error(
        `Prometheus rejected the query (${parsed.errorType ?? res.status}): ${parsed.error ?? text}`,
      );
    return valueOfData(parsed.data);
  }

  /** Every active target with its health and last scrape (`/api/v1/targets`). */
  async targets(): Promise<{ scrapeUrl: string; health: string; lastScrape: string }[]> {
    const res = await fetch(`${this.url.replace(/\/$/, '')}/api/v1/targets?state=active`, {
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    if (!res.ok) throw new Error(`Prometheus /api/v1/targets answered HTTP ${res.status}`);
    const parsed = (await res.json()) as {
      data: { activeTargets: { scrapeUrl: string; health: string; lastScrape: string }[] };
    };
    return parsed.data.activeTargets;
  }
}

interface PromResponse {
  status: 'success' | 'error';
  errorType?: string;
  error?: string;
  data?: { resultType: string; result: unknown };
}

/** The number an instant query's data holds (see {@link PrometheusApi.query}). */
export function valueOfData(data: PromResponse['data']): number | undefined {
  if (!data) throw new Error('Prometheus answered with no data');
  const number = (v: [number, string]) => {
    const n = Number(v[1]);
    return Number.isNaN(n) ? undefined : n;
  };
  switch (data.resultType) {
    case 'scalar':
      return number(data.result as [number, string]);
    case 'vector': {
      const series = data.result as { metric: Record<string, string>; value: [number, string] }[];
      if (series.length === 0) return undefined;
      if (series.length > 1)
        throw new Error(
          `the query returned ${series.length} series (${series
            .slice(0, 3)
            .map((s) => JSON.stringify(s.metric))
            .join(', ')}); a check needs one number: aggregate it with sum() or max()`,
        );
      return number(series[0]!.value);
    }
    default:
      throw new Error(
        `the query returned a ${data.resultType}; a check needs a scalar or a one-series vector`,
      );
  }
}

/** One file_sd target group, as Prometheus reads it. */
export interface TargetGroup {
  targets: string[];
  labels: Record<string, string>;
}

/** The file_sd groups of the run's targets, distorted as a monitoring fault asks (blind: none; down: unreachable). */
export function targetGroups(targets: ScrapeTarget[], distortion: ScrapeDistortion): TargetGroup[] {
  if (distortion.blind) return [];
  return targets.map((t) => {
    const url = new URL(t.url);
    const labels = distortion.relabel ? distortion.relabel(t.labels) : t.labels;
    return {
      targets: [distortion.down ? DOWN_ADDRESS : url.host],
      labels: { ...labels, __metrics_path__: url.pathname, __scheme__: url.protocol.replace(':', '') },
    };
  });
}

/** What the Prometheus source needs of the run. */
export interface PrometheusSourceDeps {
  api: PrometheusApi;
  /** The file_sd file the Prometheus reads (the harness's own Prometheus), or undefined for one given by `url:`. */
  targetsFile: string | undefined;
  targets: () => ScrapeTarget[];
  /** The timeline's clock (ms since time zero), for the loop. */
  clock: Clock;
  /** Epoch ms now: the time a query is evaluated at (before a `stale-metrics` delay is taken off). */
  wallNow?: () => number;
  intervalMs: number;
  log: Logger;
}

/**
 * Prometheus as the monitoring the controller reads: the harness's own (it rewrites the file_sd targets every
 * interval as instances come and go) or one given by `url:`. It has the scraper's knobs and counters, so the
 * monitoring faults act on what the controller sees: `scrape-gap` empties the targets and `metrics-down` points
 * them at an address nothing listens on (both also drop every query's answer while they last, since Prometheus
 * applies new targets only seconds later); `stale-metrics` cuts that much off the end of every query's window
 * (what the built-in store, whose samples arrive that late, holds of it); `wrong-labels` relabels the targets
 * and the version the queries ask for. The counters count the scrapes Prometheus reports on `/api/v1/targets`
 * (healthy ones in `scrapes`, failed ones in `failures`).
 */
export class PrometheusSource {
  readonly distortion: ScrapeDistortion = { blind: false, delayMs: 0 };
  scrapes = 0;
  failures = 0;
  readonly intervalMs: number;
  /** The counters show a changed target list only once Prometheus has applied it. */
  readonly effectDelayMs = TARGET_UPDATE_LAG_MS;
  private written = '';
  private readonly lastSeen = new Map<string, string>();

  constructor(private readonly deps: PrometheusSourceDeps) {
    this.intervalMs = deps.intervalMs;
  }

  /** Writes the targets file when it changed (atomically: Prometheus must never read half a file). */
  async syncTargets(): Promise<void> {
    const file = this.deps.targetsFile;
    if (file === undefined) return;
    const text = JSON.stringify(targetGroups(this.deps.targets(), this.distortion), null, 1);
    if (text === this.written) return;
    await writeFile(`${file}.tmp`, text);
    await rename(`${file}.tmp`, file);
    this.written = text;
  }

  /** Counts the scrapes Prometheus made since the last look. */
  async countScrapes(): Promise<void> {
    for (const t of await this.deps.api.targets()) {
      if (t.lastScrape.startsWith('0001-') || this.lastSeen.get(t.scrapeUrl) === t.lastScrape) continue;
      this.lastSeen.set(t.scrapeUrl, t.lastScrape);
      if (t.health === 'up') this.scrapes++;
      else if (t.health === 'down') this.failures++;
    }
  }

  /** Keeps the targets file current and the counters moving, every interval (a quarter: counts stay timely). */
  async run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      try {
        await this.syncTargets();
        await this.countScrapes();
      } catch (error) {
        this.deps.log.debug(`prometheus: ${messageOf(error)}`);
      }
      try {
        await this.deps.clock.sleep(Math.max(100, this.intervalMs / 4), signal);
      } catch {
        return;
      }
    }
  }

  /**
   * A check's PromQL for `version` over `args`' window, evaluated now (a `stale-metrics` delay cuts the end off
   * the window), as the
   * built-in queries answer: the value and what it rests on; undefined when Prometheus has no data.
   */
  async evaluate(metric: PromQLMetric, args: PromQLArgs): Promise<QueryValue | undefined> {
    // A gap or a metrics outage blinds the controller at once, as on the built-in scraper (Prometheus itself
    // stops scraping, or fails every scrape, once it has applied the rewritten targets: TARGET_UPDATE_LAG_MS).
    if (this.distortion.blind || this.distortion.down) return undefined;
    const version = this.distortion.relabel?.({ version: args.version }).version ?? args.version;
    // Stale metrics: the built-in store then holds, of the window (now - W, now], only (now - W, now - delay];
    // so does this: evaluated `delay` in the past over what is left of the window, nothing when none is.
    const delay = this.distortion.delayMs;
    if (delay >= args.windowMs) return undefined;
    const rendered = { ...args, version, windowMs: args.windowMs - delay };
    const at = (this.deps.wallNow ?? Date.now)() - delay;
    const [value, requests] = await Promise.all([
      this.deps.api.query(renderPromQL(metric.value, rendered), at),
      metric.requests === undefined
        ? Promise.resolve(undefined)
        : this.deps.api.query(renderPromQL(metric.requests, rendered), at),
    ]);
    if (value === undefined) return undefined;
    if (metric.requests !== undefined && (requests === undefined || requests === 0)) return undefined;
    return { value, requests: Math.round(requests ?? 1) };
  }
}
