import { Pool } from 'undici';
import type { Clock } from '../clock/clock.js';
import { messageOf } from '../util/errors.js';
import type { TrafficStats } from '../vocabulary/traffic-stats.js';
import type { ReturnedVerdict } from '../vocabulary/verdicts.js';
import type { RequestRecord } from './record.js';
import type { PlannedRequest } from './schedule.js';

/** Options of one traffic run. */
export interface GeneratorOptions {
  target: string;
  clock: Clock;
  timeoutMs: number;
  seed: number;
  durationMs: number;
  /** Time zero on the clock (the timeline's origin); the schedule is relative to it. */
  t0: number;
  /** Called for every finished request (live progress). */
  onRecord?: (r: RequestRecord) => void;
}

/** Sends a schedule open-model: each request at its intended time, whether or not earlier ones finished. */
export class TrafficGenerator {
  readonly records: RequestRecord[] = [];
  private readonly tokens: string[] = [];
  private readonly pool: Pool;
  private readonly inflight = new Set<Promise<void>>();
  private readonly t0: number;
  private endAt = Number.POSITIVE_INFINITY;

  constructor(
    private readonly schedule: PlannedRequest[],
    private readonly opts: GeneratorOptions,
  ) {
    this.t0 = opts.t0;
    // The timeout is the pool's (connect, headers, body each bounded by it), not a per-request AbortSignal.timeout:
    // such a signal lives (with everything it references) until its timer fires, and at 1,000 req/s that cost
    // more CPU in timers and garbage collection than the requests themselves.
    const t = opts.timeoutMs;
    this.pool = new Pool(opts.target, {
      connections: 256,
      keepAliveTimeout: 10_000,
      connectTimeout: t,
      headersTimeout: t,
      bodyTimeout: t,
    });
  }

  /** Ends traffic early: requests planned at or after `ms` (from time zero) are not part of the run. */
  stopAt(ms: number): void {
    this.endAt = Math.min(this.endAt, ms);
  }

  /** Runs the schedule to its end (or until `signal` aborts), then waits for requests in flight. */
  async run(signal: AbortSignal): Promise<TrafficStats> {
    const { clock } = this.opts;
    let sent = 0;
    let lastSentAt = 0;
    let aborted = false;
    const lags: number[] = [];
    for (const planned of this.schedule) {
      if (signal.aborted) {
        aborted = true;
        break;
      }
      if (planned.at >= this.endAt) break;
      const wait = planned.at - (clock.now() - this.t0);
      if (wait > 1) {
        try {
          await clock.sleep(wait, signal);
        } catch {
          aborted = true;
          break;
        }
      }
      const sentAt = clock.now() - this.t0;
      lastSentAt = sentAt;
      lags.push(Math.max(0, sentAt - planned.at));
      sent++;
      const p = this.send(planned, sentAt).finally(() => this.inflight.delete(p));
      this.inflight.add(p);
    }
    await Promise.allSettled([...this.inflight]);
    await this.pool.close().catch(() => undefined);
    lags.sort((a, b) => a - b);
    const span = Math.min(this.opts.durationMs, this.endAt);
    const planned = this.schedule.filter((p) => p.at < span).length;
    // Sending took the planned span, or longer when the generator fell behind: a late last send lowers the rate.
    // An aborted run is measured up to the abort.
    const end = aborted ? Math.min(span, clock.now() - this.t0) : span;
    const elapsed = Math.max(1, end, lastSentAt);
    return {
      planned,
      sent,
      notSent: planned - sent,
      targetRate: (planned / span) * 1000,
      achievedRate: (sent / elapsed) * 1000,
      lagP99Ms: lags[Math.floor(lags.length * 0.99)] ?? 0,
      lagMaxMs: lags.at(-1) ?? 0,
    };
  }

  private async send(p: PlannedRequest, sentAt: number): Promise<void> {
    const record: RequestRecord = {
      seq: p.seq,
      kind: p.kind,
      userId: p.user.id,
      segment: p.user.segment,
      intendedAt: p.at,
      sentAt,
      latencyMs: 0,
      status: 0,
    };
    const headers: Record<string, string> = {
      'x-rehearsal-request-id': `${this.opts.seed}-${p.seq}`,
      'x-user-id': p.user.id,
      'x-user-segment': p.user.segment,
    };
    let path = '/leaderboard';
    let method: 'GET' | 'POST' = 'GET';
    let body: string | undefined;
    if (p.kind === 'submit' && p.solution) {
      path = '/submissions?wait=true';
      method = 'POST';
      headers['content-type'] = 'application/json';
      body = JSON.stringify({
        problem_id: p.solution.problemId,
        source_code: p.solution.source,
        language_id: 63,
        user_id: p.user.id,
      });
      record.problemId = p.solution.problemId;
      record.expected = p.solution.expected;
    } else if (p.kind === 'poll' && this.tokens.length > 0) {
      const token = this.tokens[Math.floor(p.pick * this.tokens.length)]!;
      path = `/submissions/${token}`;
      record.token = token;
    } else if (p.kind === 'poll') {
      record.kind = 'leaderboard';
    }
    try {
      const res = await this.pool.request({ path, method, headers, ...(body ? { body } : {}) });
      record.status = res.statusCode;
      const servedBy = header(res.headers['x-served-by']);
      if (servedBy) {
        record.servedBy = servedBy;
        record.version = servedBy.split('/')[0];
      }
      const fault = header(res.headers['x-rehearsal-fault']);
      if (fault) record.fault = fault;
      // Only a judged submission's body matters; others are drained without decoding.
      if (p.kind === 'submit' && res.statusCode < 300)
        readSubmission(await res.body.text(), record, this.tokens);
      else await res.body.dump();
    } catch (error) {
      record.status = 0;
      record.error = messageOf(error);
    }
    record.latencyMs = this.opts.clock.now() - this.t0 - p.at;
    this.records.push(record);
    this.opts.onRecord?.(record);
  }
}

function header(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

function readSubmission(text: string, record: RequestRecord, tokens: string[]): void {
  try {
    const json = JSON.parse(text) as {
      token?: string;
      verdict?: ReturnedVerdict | null;
      judged_by?: string | null;
    };
    if (json.token) {
      record.token = json.token;
      tokens.push(json.token);
    }
    record.verdict = json.verdict ?? null;
    if (json.judged_by) record.judgedBy = json.judged_by;
  } catch {
    record.error = 'response is not JSON';
  }
}
