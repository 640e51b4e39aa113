import type { Clock } from '../clock/clock.js';
import { judgeMetrics } from '../monitor/metric-names.js';
import { parsePromText } from '../monitor/prom-text.js';
import { messageOf } from '../util/errors.js';

/** How an instance answered its liveness probe (`/healthz`, or an external version's own): up, refused (dead) or silent (frozen). */
export async function health(
  instance: { url: string; livenessPath?: string | undefined },
  timeoutMs = 1000,
): Promise<'up' | 'refused' | 'silent' | 'error'> {
  try {
    const res = await fetch(`${instance.url}${instance.livenessPath ?? '/healthz'}`, {
      signal: AbortSignal.timeout(timeoutMs),
    });
    await res.arrayBuffer();
    return res.ok ? 'up' : 'error';
  } catch (error) {
    const text = `${messageOf(error)} ${messageOf((error as { cause?: unknown }).cause ?? '')}`;
    if (/ECONNREFUSED|ECONNRESET|socket hang up|other side closed/i.test(text)) return 'refused';
    if (/timeout|aborted/i.test(text)) return 'silent';
    return 'error';
  }
}

/** Sum of a metric's samples on an instance's `/metrics` whose labels include `labels`; undefined if unreadable. */
export async function readMetric(
  url: string,
  name: string,
  labels: Record<string, string> = {},
): Promise<number | undefined> {
  try {
    const res = await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(2000) });
    if (!res.ok) return undefined;
    const samples = parsePromText(await res.text()).filter(
      (s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v),
    );
    return samples.reduce((sum, s) => sum + s.value, 0);
  } catch {
    return undefined;
  }
}

/** Waits until `fn` returns true or `ms` of `clock`'s time pass (polling every 100 ms); true if it did. */
export async function eventually(fn: () => Promise<boolean>, ms: number, clock: Clock): Promise<boolean> {
  const end = clock.now() + ms;
  for (;;) {
    if (await fn()) return true;
    if (clock.now() >= end) return false;
    await clock.sleep(100);
  }
}

/** Checks that an instance's injected-fault counter of `kind` rises within `ms`: the fault is acting. */
export function counterRises(kind: string, clock: Clock, ms = 2500) {
  return async (i: { id: string; url: string }): Promise<string | null> => {
    const before = (await readMetric(i.url, judgeMetrics.faultInjections, { kind })) ?? 0;
    const rose = await eventually(
      async () => ((await readMetric(i.url, judgeMetrics.faultInjections, { kind })) ?? 0) > before,
      ms,
      clock,
    );
    return rose
      ? null
      : `${i.id}: ${judgeMetrics.faultInjections}{kind="${kind}"} did not rise within ${ms / 1000}s`;
  };
}
