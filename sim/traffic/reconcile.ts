import type { Clock } from '../clock/clock.js';
import type { ReturnedVerdict } from '../vocabulary/verdicts.js';
import type { RequestRecord } from './record.js';

/** What became of every acknowledged submission after traffic stopped. */
export interface Reconciliation {
  acknowledged: number;
  /** Tokens with no final verdict by the deadline, or unknown to the store. */
  lost: string[];
  /** Submissions whose verdict arrived only after the user's request ended. */
  lateVerdicts: number;
}

/**
 * Asks the service (through `baseUrl`) for every acknowledged submission that has no final verdict
 * yet, until each has one or `deadlineMs` passes. Fills `verdict` on the records it resolves.
 */
export async function reconcile(
  records: RequestRecord[],
  baseUrl: string,
  clock: Clock,
  deadlineMs = 15_000,
): Promise<Reconciliation> {
  const acked = records.filter((r) => r.kind === 'submit' && r.token !== undefined);
  let pending = acked.filter((r) => r.verdict == null);
  const missing = new Set<string>();
  let late = 0;
  const end = clock.now() + deadlineMs;
  while (pending.length > 0 && clock.now() < end) {
    const still: RequestRecord[] = [];
    await Promise.all(
      pending.map(async (r) => {
        try {
          const res = await fetch(`${baseUrl}/submissions/${r.token}`, { signal: AbortSignal.timeout(5000) });
          if (res.status === 404) {
            missing.add(r.token!);
            await res.arrayBuffer();
            return;
          }
          const json = (await res.json()) as { verdict?: ReturnedVerdict | null };
          if (res.ok && json.verdict) {
            r.verdict = json.verdict;
            late++;
          } else still.push(r);
        } catch {
          still.push(r);
        }
      }),
    );
    pending = still;
    if (pending.length > 0) await clock.sleep(250);
  }
  return {
    acknowledged: acked.length,
    lost: [...missing, ...pending.map((r) => r.token!)],
    lateVerdicts: late,
  };
}
