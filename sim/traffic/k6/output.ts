import { k6Metrics } from '../../monitor/metric-names.js';
import {
  type ReturnedVerdict,
  returnedVerdicts,
  type VerdictName,
  verdicts,
} from '../../vocabulary/verdicts.js';
import type { RequestKind, RequestRecord } from '../record.js';

/** What a k6 run's JSON output (`--out json=FILE`, one JSON object a line) says about the traffic. */
export interface K6Output {
  /** One record per request the script made, ordered by `seq`. */
  records: RequestRecord[];
  /** Iterations k6 could not start for want of a free VU: schedule distortion (k6 drops them silently). */
  droppedIterations: number;
  /** Iterations k6 ran (including those past the end of the plan, which send nothing). */
  iterations: number;
  /** Lines that were not JSON (a run cut short leaves a partial last line). */
  malformedLines: number;
}

interface Line {
  type?: string;
  metric?: string;
  data?: {
    time?: string;
    value?: number;
    tags?: Record<string, string> | null;
    metadata?: Record<string, string>;
  };
}

const kinds: readonly string[] = ['submit', 'poll', 'leaderboard'];

/**
 * Turns k6's JSON output into the same client-side records the built-in driver makes. `t0` is the epoch
 * ms of the rehearsal's time zero, so times line up with the timeline.
 */
export function parseK6Output(text: string, t0: number): K6Output {
  const out: K6Output = { records: [], droppedIterations: 0, iterations: 0, malformedLines: 0 };
  for (const raw of text.split('\n')) {
    if (raw.trim() === '') continue;
    let line: Line;
    try {
      line = JSON.parse(raw) as Line;
    } catch {
      out.malformedLines++;
      continue;
    }
    if (line.type !== 'Point' || !line.data) continue;
    const value = Number(line.data.value ?? 0);
    if (line.metric === 'dropped_iterations') out.droppedIterations += value;
    else if (line.metric === 'iterations') out.iterations += value;
    else if (line.metric === k6Metrics.latency) {
      const record = toRecord(line.data.tags ?? {}, line.data.metadata ?? {}, value, t0);
      if (record) out.records.push(record);
    }
  }
  out.records.sort((a, b) => a.seq - b.seq);
  return out;
}

function toRecord(
  tags: Record<string, string>,
  meta: Record<string, string>,
  latencyMs: number,
  t0: number,
): RequestRecord | undefined {
  const seq = Number(meta.seq);
  const kind = tags.kind ?? '';
  if (!Number.isInteger(seq) || !kinds.includes(kind) || meta.user === undefined) return undefined;
  const record: RequestRecord = {
    seq,
    kind: kind as RequestKind,
    userId: meta.user,
    segment: tags.segment ?? '',
    intendedAt: Number(meta.intended) - t0,
    sentAt: Number(meta.sent) - t0,
    latencyMs,
    status: Number(tags.status ?? 0) || 0,
  };
  if (meta.error) record.error = meta.error;
  else if (record.status === 0) record.error = 'no response';
  if (tags.served_by) {
    record.servedBy = tags.served_by;
    record.version = tags.version ?? tags.served_by.split('/')[0];
  }
  if (tags.fault) record.fault = tags.fault;
  if (tags.problem) record.problemId = tags.problem;
  if (tags.expected && isExpected(tags.expected)) record.expected = tags.expected;
  if (tags.verdict === 'none') record.verdict = null;
  else if (tags.verdict === 'unreadable') record.error = 'response is not JSON';
  else if (tags.verdict && isVerdict(tags.verdict)) record.verdict = tags.verdict;
  if (meta.token) record.token = meta.token;
  return record;
}

function isExpected(v: string): v is VerdictName {
  return (verdicts as readonly string[]).includes(v);
}

function isVerdict(v: string): v is ReturnedVerdict {
  return (returnedVerdicts as readonly string[]).includes(v);
}
