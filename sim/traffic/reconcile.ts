import type { Clock } from '../clock/clock.js';
import type { TrafficApi } from '../vocabulary/traffic-apis.js';
import type { ReturnedVerdict } from '../vocabulary/verdicts.js';
import { judge0TokenPath, readJudge0Answer, verdictOfStatus } from './judge0.js';
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
 * yet, until each has one or `deadlineMs` passes. Fills `verdict` on the records it resolves. Judge0 tokens
 * are asked the Judge0 way (`GET /submissions/:token?base64_encoded=true&fields=*`, verdict from `status.id`).
 */
export async function reconcile(
  records: RequestRecord[],
  baseUrl: string,
  clock: Clock,
  deadlineMs = 15_000,
  api: TrafficApi = 'native',
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
          const path = api === 'judge0' ? judge0TokenPath(r.token!) : `/submissions/${r.token}`;
          const res = await fetch(`${baseUrl}${path}`, { signal: AbortSignal.timeout(5000) });
          if (res.status === 404) {
            missing.add(r.token!);
            await res.arrayBuffer();
            return;
          }
          const verdict =
            api === 'judge0' ? judge0Verdict(await res.text()) : nativeVerdict(await res.json());
          if (res.ok && verdict) {
            r.verdict = verdict;
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

function nativeVerdict(json: unknown): ReturnedVerdict | null {
  return (json as { verdict?: ReturnedVerdict | null }).verdict ?? null;
}

function judge0Verdict(text: string): ReturnedVerdict | null {
  const { statusId } = readJudge0Answer(text);
  return statusId === undefined ? null : verdictOfStatus(statusId);
}
