import type { Sample } from '../../sim/monitor/prom-text.js';
import type { MetricStore } from '../../sim/monitor/store.js';

const LE = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

/** Traffic of one version during one scrape interval. */
export interface Slice {
  requests: number;
  errors?: number;
  /** Latency of every request in the slice, in ms (or one per request via a function). */
  latencyMs?: number | ((i: number) => number);
  mirrored?: number;
  mirrorErrors?: number;
  judged?: number;
  accepted?: number;
  /** Verdicts by problem (instead of `judged`/`accepted` on one problem `p`). */
  byProblem?: Record<string, { judged: number; accepted: number }>;
  queueDepth?: number;
}

/** Cumulative router and service counters, written into a MetricStore as a scraper would. */
export class FakeMonitoring {
  private readonly totals = new Map<string, number>();

  constructor(private readonly store: MetricStore) {}

  /** Adds one scrape at `t` (ms) with each version's traffic since the last one. */
  scrape(t: number, slices: Record<string, Slice>): void {
    const samples: Sample[] = [];
    for (const [version, s] of Object.entries(slices)) {
      const errors = s.errors ?? 0;
      samples.push(
        this.count(
          'rehearsal_router_requests_total',
          { version, upstream: `${version}-0`, code: '200' },
          s.requests - errors,
        ),
      );
      samples.push(
        this.count(
          'rehearsal_router_requests_total',
          { version, upstream: `${version}-0`, code: '500' },
          errors,
        ),
      );
      for (const le of [...LE, Number.POSITIVE_INFINITY]) {
        let n = 0;
        for (let i = 0; i < s.requests; i++) {
          const ms = typeof s.latencyMs === 'function' ? s.latencyMs(i) : (s.latencyMs ?? 20);
          if (ms / 1000 <= le) n++;
        }
        samples.push(
          this.count(
            'rehearsal_router_request_duration_seconds_bucket',
            { version, le: le === Number.POSITIVE_INFINITY ? '+Inf' : String(le) },
            n,
          ),
        );
      }
      if (s.mirrored !== undefined) {
        samples.push(
          this.count(
            'rehearsal_router_mirror_requests_total',
            { version, code: '200' },
            s.mirrored - (s.mirrorErrors ?? 0),
          ),
        );
        samples.push(
          this.count('rehearsal_router_mirror_requests_total', { version, code: '500' }, s.mirrorErrors ?? 0),
        );
      }
      if (s.judged !== undefined) {
        const service = { job: 'judge', version, instance: `${version}-0` };
        samples.push(
          this.count(
            'judge_submissions_judged_total',
            { ...service, verdict: 'accepted', problem: 'p' },
            s.accepted ?? 0,
          ),
        );
        samples.push(
          this.count(
            'judge_submissions_judged_total',
            { ...service, verdict: 'wrong-answer', problem: 'p' },
            s.judged - (s.accepted ?? 0),
          ),
        );
      }
      for (const [problem, c] of Object.entries(s.byProblem ?? {})) {
        const service = { job: 'judge', version, instance: `${version}-0`, problem };
        samples.push(
          this.count('judge_submissions_judged_total', { ...service, verdict: 'accepted' }, c.accepted),
          this.count(
            'judge_submissions_judged_total',
            { ...service, verdict: 'wrong-answer' },
            c.judged - c.accepted,
          ),
        );
      }
      if (s.queueDepth !== undefined)
        samples.push({
          name: 'judge_queue_depth',
          labels: { job: 'judge', version, instance: `${version}-0` },
          value: s.queueDepth,
        });
    }
    this.store.add(t, samples);
  }

  private count(name: string, labels: Record<string, string>, add: number): Sample {
    const key = name + JSON.stringify(labels);
    const v = (this.totals.get(key) ?? 0) + add;
    this.totals.set(key, v);
    return { name, labels, value: v };
  }
}
