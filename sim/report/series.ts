import { isFailed, type RequestRecord } from '../traffic/record.js';
import type { ChartThreshold, Series } from '../vocabulary/report-model.js';
import type { TimelineEvent } from '../vocabulary/timeline.js';

function p95(values: number[]): number | null {
  if (values.length === 0) return null;
  values.sort((a, b) => a - b);
  return Math.round(values[Math.min(values.length - 1, Math.floor(values.length * 0.95))]!);
}

/** Per-second ground-truth series by serving version, and the candidate weight in force each second. */
export function userSeries(
  records: RequestRecord[],
  events: TimelineEvent[],
  candidate: string,
  durationMs: number,
): Omit<Series, 'monitoring'> {
  const seconds = Math.max(1, Math.ceil(durationMs / 1000));
  const t = Array.from({ length: seconds }, (_, i) => i);
  const weightEvents = events.filter((e) => e.type === 'weights');
  const candidateWeight = t.map((s) => {
    const last = weightEvents.filter((e) => e.at <= (s + 1) * 1000).at(-1);
    return Number(last?.data?.[candidate] ?? 0);
  });
  const users: Series['users'] = {};
  const latencies = new Map<string, number[][]>();
  for (const r of records) {
    const s = Math.min(seconds - 1, Math.max(0, Math.floor(r.intendedAt / 1000)));
    const v = r.version ?? 'unknown';
    const u = users[v] ?? {
      requests: Array(seconds).fill(0),
      failed: Array(seconds).fill(0),
      p95Ms: Array(seconds).fill(null),
    };
    users[v] = u;
    u.requests[s]!++;
    if (isFailed(r)) u.failed[s]!++;
    const l = latencies.get(v) ?? Array.from({ length: seconds }, () => []);
    l[s]!.push(r.latencyMs);
    latencies.set(v, l);
  }
  for (const [v, perSecond] of latencies) users[v]!.p95Ms = perSecond.map(p95);
  return { t, candidateWeight, users };
}

/** The bounds of threshold checks on the charted metrics, with the versions they watch by name. */
export function chartThresholds(
  checks: readonly {
    kind: string;
    metric?: string;
    version?: string;
    max?: number | undefined;
    min?: number | undefined;
    name?: string | undefined;
  }[],
  versions: { stable: string; candidate: string },
): ChartThreshold[] {
  const out: ChartThreshold[] = [];
  for (const c of checks) {
    if (c.kind !== 'threshold' || (c.metric !== 'error_rate' && c.metric !== 'latency_p95_ms')) continue;
    const version = c.version === 'candidate' ? versions.candidate : versions.stable;
    const bound = [c.max !== undefined ? `<= ${c.max}` : '', c.min !== undefined ? `>= ${c.min}` : '']
      .filter(Boolean)
      .join(' and ');
    out.push({
      metric: c.metric,
      version,
      ...(c.max !== undefined ? { max: c.max } : {}),
      ...(c.min !== undefined ? { min: c.min } : {}),
      check: c.name ?? `${c.version ?? 'candidate'} ${c.metric} ${bound}`,
    });
  }
  return out;
}
