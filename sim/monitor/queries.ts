import { routerMetrics } from './metric-names.js';
import type { MetricName } from './metrics.js';
import { SAMPLE_NAMING, type ServiceMetricNaming } from './service-metrics.js';
import type { Match, MetricStore, Selection } from './store.js';

const REQUESTS = routerMetrics.requests;
const BUCKETS = `${routerMetrics.requestDuration}_bucket`;
const MIRROR = routerMetrics.mirrorRequests;
const MIRROR_FAULTS = routerMetrics.mirrorFaults;
const REWRITTEN = routerMetrics.rewrittenVerdicts;
/** Codes that count as errors: 5xx, connections the router reset, and 499 (the user gave up waiting). */
const ERROR_CODES = /^(5\d\d|reset|499)$/;
/** Codes of mirrored (shadow) answers that count as errors: 5xx, or no answer at all. */
const MIRROR_ERROR_CODES = /^(5\d\d|error)$/;

/** A query's answer: the value and how many requests it rests on. */
export interface QueryValue {
  value: number;
  requests: number;
}

/** One version's questions, kept by the store as selections. */
interface VersionMatches {
  requests: Selection;
  mirrored: Selection;
  errors: Selection;
  mirrorErrors: Selection;
  judgedAll: Selection;
  judgedAccepted: Selection;
  toAccepted: Selection;
  toWrong: Selection;
  buckets: Selection;
}

/** Where each series of a histogram selection falls among its sorted bucket bounds (built once per selection). */
interface BucketLayout {
  les: number[];
  slot: number[];
  /** The last window's increase per bound, and whether any series of that bound had data (reused each call). */
  sums: number[];
  seen: boolean[];
}

/** The questions a release controller asks of monitoring, per version over a window. */
export class Queries {
  /** A controller asks the same questions every round: their matches are built once per version. */
  private readonly matches = new Map<string, VersionMatches>();
  private readonly layouts = new WeakMap<readonly unknown[], BucketLayout>();

  constructor(
    private readonly store: MetricStore,
    /** The service's metric names and labels: the sample judge's, or an external service's mapping. */
    readonly naming: ServiceMetricNaming = SAMPLE_NAMING,
  ) {}

  private matchesOf(version: string): VersionMatches {
    let m = this.matches.get(version);
    if (!m) {
      const { name, verdict, accepted } = this.naming.judged;
      const sel = (metric: string, match: Match) => this.store.selection(metric, match);
      const judged = { job: 'judge', version };
      m = {
        requests: sel(REQUESTS, { version }),
        mirrored: sel(MIRROR, { version }),
        errors: sel(REQUESTS, { version, code: ERROR_CODES }),
        mirrorErrors: sel(MIRROR, { version, code: MIRROR_ERROR_CODES }),
        judgedAll: sel(name, judged),
        judgedAccepted: sel(name, { job: 'judge', version, [verdict]: accepted }),
        toAccepted: sel(REWRITTEN, { version, verdict: 'accepted' }),
        toWrong: sel(REWRITTEN, { version, verdict: 'wrong-answer' }),
        buckets: sel(BUCKETS, { version }),
      };
      this.matches.set(version, m);
    }
    return m;
  }

  /** Evaluates a named metric for `version` over (from, to]; undefined means no data. */
  metric(name: MetricName, version: string, from: number, to: number): QueryValue | undefined {
    switch (name) {
      case 'error_rate':
        return this.errorRate(version, from, to);
      case 'request_rate': {
        const requests = this.store.increaseOf(this.matchesOf(version).requests, from, to);
        return requests === undefined ? undefined : { value: requests / ((to - from) / 1000), requests };
      }
      case 'latency_p50_ms':
        return this.latencyQuantile(version, 0.5, from, to);
      case 'latency_p95_ms':
        return this.latencyQuantile(version, 0.95, from, to);
      case 'latency_p99_ms':
        return this.latencyQuantile(version, 0.99, from, to);
      case 'acceptance_rate':
        return this.acceptanceRate(version, from, to);
      case 'submission_success_rate':
        return this.submissionSuccessRate(version, from, to);
      case 'leaderboard_lag_p95_ms':
        return this.histogramQuantile(
          `${this.naming.leaderboardLag}_bucket`,
          { job: 'judge', version },
          0.95,
          from,
          to,
        );
      case 'judge_queue_depth':
        return this.queueDepth(version, to);
      case 'memory_rss_mb': {
        const rss = this.latestMax(this.naming.residentMemory, version, to);
        return rss && { value: rss.value / 1024 / 1024, requests: rss.requests };
      }
    }
  }

  /**
   * Share of verdicts committed by `version`'s instances that are Accepted, as users were shown them: verdicts the
   * router flipped for submissions created through `version` (a wrong-verdicts fault injected at the router, which
   * the service's own counter cannot see) move between accepted and not accepted.
   */
  acceptanceRate(version: string, from: number, to: number): QueryValue | undefined {
    const c = this.verdictCounts(version, from, to);
    if (c === undefined || c.judged === 0) return undefined;
    return { value: c.accepted / c.judged, requests: c.judged };
  }

  /** Verdicts other than Accepted and all verdicts committed by `version` (for count tests), as users saw them. */
  rejectedVerdictCounts(
    version: string,
    from: number,
    to: number,
  ): { errors: number; requests: number } | undefined {
    const c = this.verdictCounts(version, from, to);
    return c && { errors: c.judged - c.accepted, requests: c.judged };
  }

  private verdictCounts(
    version: string,
    from: number,
    to: number,
  ): { judged: number; accepted: number } | undefined {
    const m = this.matchesOf(version);
    const judged = this.store.increaseOf(m.judgedAll, from, to);
    if (judged === undefined) return undefined;
    const served = this.store.increaseOf(m.judgedAccepted, from, to) ?? 0;
    const toAccepted = this.store.increaseOf(m.toAccepted, from, to) ?? 0;
    const toWrong = this.store.increaseOf(m.toWrong, from, to) ?? 0;
    return { judged, accepted: Math.min(judged, Math.max(0, served + toAccepted - toWrong)) };
  }

  /**
   * `rejectedVerdictCounts` per problem (the judge service's `problem` label: the corpus, and `_program`
   * for stdin/stdout programs). Every corpus problem's series exists from the first scrape at zero, so a
   * problem with no verdicts in the window is there with 0 of 0.
   */
  rejectedVerdictCountsByProblem(
    version: string,
    from: number,
    to: number,
  ): Map<string, { errors: number; requests: number }> {
    const out = new Map<string, { errors: number; requests: number }>();
    const { verdict, problem: problemLabel, accepted } = this.naming.judged;
    for (const s of this.store.seriesOf(this.matchesOf(version).judgedAll)) {
      const problem = s.labels[problemLabel];
      if (problem === undefined) continue;
      const inc = this.store.increaseLike(s, from, to);
      if (inc === undefined) continue;
      const c = out.get(problem) ?? { errors: 0, requests: 0 };
      c.requests += inc;
      if (s.labels[verdict] !== accepted) c.errors += inc;
      out.set(problem, c);
    }
    return out;
  }

  /** Share of POST /submissions that `version` answered 2xx. */
  submissionSuccessRate(version: string, from: number, to: number): QueryValue | undefined {
    const h = this.naming.http;
    const match = { job: 'judge', version, [h.route]: h.submissionsRoute, [h.method]: h.post };
    const all = this.store.increase(h.name, match, from, to);
    if (all === undefined || all === 0) return undefined;
    const ok = this.store.increase(h.name, { ...match, [h.status]: /^2\d\d$/ }, from, to) ?? 0;
    return { value: ok / all, requests: all };
  }

  /** Latest judge queue depth reported by `version`'s instances (the store is shared: the max, not the sum). */
  queueDepth(version: string, at: number): QueryValue | undefined {
    return this.latestMax(this.naming.queueDepth, version, at);
  }

  /** The largest latest value of a judge gauge over `version`'s instances; `requests` counts the instances seen. */
  private latestMax(name: string, version: string, at: number): QueryValue | undefined {
    let max: number | undefined;
    let seen = 0;
    for (const s of this.store.select(name, { job: 'judge', version })) {
      const v = this.store.latest(name, { ...s.labels }, at);
      if (v === undefined) continue;
      seen++;
      max = Math.max(max ?? v, v);
    }
    return max === undefined ? undefined : { value: max, requests: seen };
  }

  /** Per-bucket request counts of `version`'s router latency histogram over the window: [upper bound in ms, count][]. */
  latencyBins(version: string, from: number, to: number): [number, number][] {
    const cumulative = this.bucketCounts(this.store.seriesOf(this.matchesOf(version).buckets), from, to);
    let prev = 0;
    return cumulative.map(([le, c]) => {
      const bin: [number, number] = [le * 1000, c - prev];
      prev = c;
      return bin;
    });
  }

  /** Share of requests answered 5xx (including the router's own 502/503 for the version) or reset. */
  errorRate(version: string, from: number, to: number): QueryValue | undefined {
    const c = this.errorCounts(version, from, to);
    if (c === undefined || c.requests === 0) return undefined;
    return { value: c.errors / c.requests, requests: c.requests };
  }

  /**
   * Error and request counts over the window (for count tests). Shadow copies mirrored to the version
   * count too (their answers reach no user, but they are the version's answers): 5xx or no answer is an error.
   */
  errorCounts(version: string, from: number, to: number): { errors: number; requests: number } | undefined {
    const m = this.matchesOf(version);
    const requests = this.store.increaseOf(m.requests, from, to);
    const mirrored = this.store.increaseOf(m.mirrored, from, to);
    if (requests === undefined && mirrored === undefined) return undefined;
    const errors = this.store.increaseOf(m.errors, from, to) ?? 0;
    const mirrorErrors = this.store.increaseOf(m.mirrorErrors, from, to) ?? 0;
    return { errors: errors + mirrorErrors, requests: (requests ?? 0) + (mirrored ?? 0) };
  }

  /** Shadow (mirrored) responses of `version` that carried fault `marker`, over the whole run up to `at`. */
  mirrorFaultMarks(version: string, marker: string, at: number): number {
    return this.store.latest(MIRROR_FAULTS, { version, fault: marker }, at) ?? 0;
  }

  /** When `version` last served a request, as far as scrapes show (ms); undefined if never. */
  lastServedAt(version: string): number | undefined {
    let last: number | undefined;
    for (const s of this.store.seriesOf(this.matchesOf(version).requests)) {
      for (let i = 1; i < s.t.length; i++) if (s.v[i]! > s.v[i - 1]!) last = Math.max(last ?? 0, s.t[i]!);
      if (s.t.length === 1 && s.v[0]! > 0) last = Math.max(last ?? 0, s.t[0]!);
    }
    return last;
  }

  /** A latency quantile in milliseconds, interpolated within histogram buckets as histogram_quantile does. */
  latencyQuantile(version: string, q: number, from: number, to: number): QueryValue | undefined {
    return layoutQuantile(this.bucketSums(this.store.seriesOf(this.matchesOf(version).buckets), from, to), q);
  }

  private histogramQuantile(
    name: string,
    match: Match,
    q: number,
    from: number,
    to: number,
  ): QueryValue | undefined {
    return quantileOf(this.bucketCounts(this.store.select(name, match), from, to), q);
  }

  /** Cumulative counts per bucket bound over the window, summed over a histogram's series: [le, count][] by le. */
  private bucketCounts(
    series: ReturnType<MetricStore['select']>,
    from: number,
    to: number,
  ): [number, number][] {
    const { les, sums, seen } = this.bucketSums(series, from, to);
    const out: [number, number][] = [];
    for (let j = 0; j < les.length; j++) if (seen[j]) out.push([les[j]!, sums[j]!]);
    return out;
  }

  /** `bucketCounts` left in the selection's layout (`sums` where `seen`), without building the pairs. */
  private bucketSums(series: ReturnType<MetricStore['select']>, from: number, to: number): BucketLayout {
    const layout = this.layoutOf(series);
    const { slot, sums, seen } = layout;
    sums.fill(0);
    seen.fill(false);
    for (let i = 0; i < series.length; i++) {
      const inc = this.store.increaseLike(series[i]!, from, to);
      if (inc === undefined) continue;
      sums[slot[i]!]! += inc;
      seen[slot[i]!] = true;
    }
    return layout;
  }

  /** The sorted distinct bucket bounds of a selection, and each series' place among them. */
  private layoutOf(series: ReturnType<MetricStore['select']>): BucketLayout {
    let layout = this.layouts.get(series);
    if (!layout) {
      const leOf = series.map((s) =>
        s.labels.le === '+Inf' ? Number.POSITIVE_INFINITY : Number(s.labels.le),
      );
      const les = [...new Set(leOf)].sort((a, b) => a - b);
      const at = new Map(les.map((le, j) => [le, j]));
      layout = {
        les,
        slot: leOf.map((le) => at.get(le)!),
        sums: new Array<number>(les.length).fill(0),
        seen: new Array<boolean>(les.length).fill(false),
      };
      this.layouts.set(series, layout);
    }
    return layout;
  }
}

/** A latency quantile in ms from cumulative bucket counts; undefined without requests. */
function quantileOf(buckets: [number, number][], q: number): QueryValue | undefined {
  const total = buckets.at(-1)?.[1] ?? 0;
  if (total === 0) return undefined;
  return { value: bucketQuantile(q, buckets) * 1000, requests: total };
}

/** `quantileOf(bucketCounts(…), q)` from a layout's sums: the same steps over the bounds that had data. */
function layoutQuantile({ les, sums, seen }: BucketLayout, q: number): QueryValue | undefined {
  let last = les.length - 1;
  while (last >= 0 && !seen[last]) last--;
  const total = last >= 0 ? sums[last]! : 0;
  if (total === 0) return undefined;
  const rank = q * total;
  let prevLe = 0;
  let prevCount = 0;
  for (let j = 0; j <= last; j++) {
    if (!seen[j]) continue;
    const le = les[j]!;
    const count = sums[j]!;
    if (count >= rank) {
      if (le === Number.POSITIVE_INFINITY) return { value: prevLe * 1000, requests: total };
      if (count === prevCount) return { value: le * 1000, requests: total };
      const at = prevLe + ((le - prevLe) * (rank - prevCount)) / (count - prevCount);
      return { value: at * 1000, requests: total };
    }
    prevLe = le;
    prevCount = count;
  }
  return { value: prevLe * 1000, requests: total };
}

/** histogram_quantile over cumulative (le, count) pairs sorted by le. */
export function bucketQuantile(q: number, buckets: [number, number][]): number {
  const total = buckets.at(-1)![1];
  const rank = q * total;
  let prevLe = 0;
  let prevCount = 0;
  for (const [le, count] of buckets) {
    if (count >= rank) {
      if (le === Number.POSITIVE_INFINITY) return prevLe;
      if (count === prevCount) return le;
      return prevLe + ((le - prevLe) * (rank - prevCount)) / (count - prevCount);
    }
    prevLe = le;
    prevCount = count;
  }
  return prevLe;
}
