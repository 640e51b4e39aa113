import { Pool } from 'undici';
import type { Clock } from '../clock/clock.js';
import { messageOf } from '../util/errors.js';
import type { TrafficApi } from '../vocabulary/traffic-apis.js';
import type { TrafficStats } from '../vocabulary/traffic-stats.js';
import type { ReturnedVerdict } from '../vocabulary/verdicts.js';
import {
  judge0Body,
  judge0SubmitPath,
  judge0TokenPath,
  readJudge0Answer,
  verdictOfStatus,
} from './judge0.js';
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
  /** The API spoken (`traffic.api`); default `native`. */
  api?: TrafficApi;
  /** Judge0 traffic: wait for the verdict (`wait=true`) or poll the token every `pollIntervalMs`. */
  judge0?: { wait: boolean; pollIntervalMs: number };
}

/** The Judge0 defaults when `GeneratorOptions.judge0` is not given: poll, every 200 ms. */
const judge0Defaults = { wait: false, pollIntervalMs: 200 };

/** Sends a schedule open-model: each request at its intended time, whether or not earlier ones finished. */
export class TrafficGenerator {
  readonly records: RequestRecord[] = [];
  private readonly tokens: string[] = [];
  private readonly pool: Pool;
  private readonly inflight = new Set<Promise<void>>();
  private readonly t0: number;
  private endAt = Number.POSITIVE_INFINITY;
  private signal?: AbortSignal;

  constructor(
    private readonly schedule: PlannedRequest[],
    private readonly opts: GeneratorOptions,
  ) {
    this.t0 = opts.t0;
    if (opts.api === 'judge0') {
      const missing = schedule.find((p) => p.kind === 'submit' && p.solution && !p.solution.program);
      if (missing)
        throw new Error(
          `judge0 traffic: solution ${missing.solution!.problemId}/${missing.solution!.name} has no Judge0 program (a plan made for native traffic?)`,
        );
    }
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
    this.signal = signal;
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
    const judge0 = this.opts.api === 'judge0';
    let path = '/leaderboard';
    let method: 'GET' | 'POST' = 'GET';
    let body: string | undefined;
    if (p.kind === 'submit' && p.solution) {
      method = 'POST';
      headers['content-type'] = 'application/json';
      if (judge0 && p.solution.program) {
        path = judge0SubmitPath(this.judge0.wait);
        body = judge0Body(p.solution.program);
      } else {
        path = '/submissions?wait=true';
        body = JSON.stringify({
          problem_id: p.solution.problemId,
          source_code: p.solution.source,
          language_id: 63,
          user_id: p.user.id,
        });
      }
      record.problemId = p.solution.problemId;
      record.expected = p.solution.expected;
    } else if (p.kind === 'poll' && this.tokens.length > 0) {
      const token = this.tokens[Math.floor(p.pick * this.tokens.length)]!;
      path = judge0 ? judge0TokenPath(token) : `/submissions/${token}`;
      record.token = token;
    } else if (p.kind === 'poll') {
      record.kind = 'leaderboard';
    }
    try {
      const res = await this.pool.request({ path, method, headers, ...(body ? { body } : {}) });
      record.status = res.statusCode;
      this.heard(res.headers, record);
      // Only a judged submission's body matters; others are drained without decoding.
      if (p.kind === 'submit' && res.statusCode < 300) {
        const text = await res.body.text();
        if (!judge0) readSubmission(text, record, this.tokens);
        else if (readJudge0(text, record, this.tokens) && record.verdict === null && !this.judge0.wait)
          await this.pollUntilJudged(p, record, headers);
      } else await res.body.dump();
    } catch (error) {
      record.status = 0;
      record.error = messageOf(error);
    }
    record.latencyMs = this.opts.clock.now() - this.t0 - p.at;
    this.records.push(record);
    this.opts.onRecord?.(record);
  }

  private get judge0(): { wait: boolean; pollIntervalMs: number } {
    return this.opts.judge0 ?? judge0Defaults;
  }

  /** `x-served-by` and `x-rehearsal-fault` of a response, onto the record. */
  private heard(headers: Record<string, string | string[] | undefined>, record: RequestRecord): void {
    const servedBy = header(headers['x-served-by']);
    if (servedBy && !record.servedBy) {
      record.servedBy = servedBy;
      record.version = servedBy.split('/')[0];
    }
    const fault = header(headers['x-rehearsal-fault']);
    if (fault) record.fault = fault;
  }

  /**
   * Polls a Judge0 token (`GET /submissions/:token`) until its status is final, as a Judge0 client does. The user's
   * request lasts until then: its latency runs to the final answer. It ends without a verdict (left to
   * reconciliation) at the traffic timeout or when the run aborts; a poll that fails (no answer, or a 5xx) ends
   * it as a failed request with that status, since the user saw the failure.
   */
  private async pollUntilJudged(
    p: PlannedRequest,
    record: RequestRecord,
    headers: Record<string, string>,
  ): Promise<void> {
    const { clock, timeoutMs } = this.opts;
    const deadline = this.t0 + p.at + timeoutMs;
    const path = judge0TokenPath(record.token!);
    const { 'content-type': _, ...pollHeaders } = headers;
    while (record.verdict === null && !this.signal?.aborted) {
      const left = deadline - clock.now();
      if (left <= 0) return;
      try {
        await clock.sleep(Math.min(this.judge0.pollIntervalMs, left), this.signal);
      } catch {
        return;
      }
      const res = await this.pool.request({ path, method: 'GET', headers: pollHeaders });
      this.heard(res.headers, record);
      if (res.statusCode >= 300) {
        await res.body.dump();
        record.status = res.statusCode;
        record.error = `poll of ${record.token} answered ${res.statusCode}`;
        return;
      }
      readJudge0(await res.body.text(), record, []);
    }
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

/**
 * Reads a Judge0 answer: its token (the first time), the verdict its status id stands for (null while queued or
 * processing) and `judged_by` when the service says it. False when the answer is unreadable (then `error` says so).
 */
function readJudge0(text: string, record: RequestRecord, tokens: string[]): boolean {
  try {
    const answer = readJudge0Answer(text);
    if (answer.token && !record.token) {
      record.token = answer.token;
      tokens.push(answer.token);
    }
    // `wait=false` answers only the token: the submission is queued.
    record.verdict = answer.statusId === undefined ? null : verdictOfStatus(answer.statusId);
    if (answer.judgedBy) record.judgedBy = answer.judgedBy;
    if (!record.token) {
      record.error = 'Judge0 answer has no token';
      return false;
    }
    return true;
  } catch (error) {
    record.error = `Judge0 answer is not readable: ${messageOf(error)}`;
    return false;
  }
}
