/** How the scenarios of a suite are taken in turn. */
export interface TurnOptions<T, R> {
  /** Items run at once (default 1: one after another). */
  parallel?: number;
  /** Once it aborts (Ctrl-C, `--timeout`), no further item starts: those are returned as not run. */
  signal: AbortSignal;
  /** Runs one item. Its signal also aborts when another item threw, so that it stops and cleans up first. */
  run(item: T, index: number, signal: AbortSignal): Promise<R>;
}

/**
 * Runs items `parallel` at a time in their order and returns the results in that order, with the items that
 * never started. An item that throws (a platform that turned out unavailable) stops the others, which finish
 * before the error propagates.
 */
export async function runInTurn<T, R>(
  items: T[],
  opts: TurnOptions<T, R>,
): Promise<{ results: R[]; notRun: T[] }> {
  const slots: ({ value: R } | undefined)[] = new Array(items.length);
  let next = 0;
  const stopAll = new AbortController();
  const signal = AbortSignal.any([opts.signal, stopAll.signal]);
  const worker = async () => {
    while (!signal.aborted && next < items.length) {
      const i = next++;
      slots[i] = { value: await opts.run(items[i]!, i, signal) };
    }
  };
  const width = Math.max(1, Math.min(opts.parallel ?? 1, items.length));
  const ran = await Promise.allSettled(
    Array.from({ length: width }, () =>
      worker().catch((error: unknown) => {
        stopAll.abort(error);
        throw error;
      }),
    ),
  );
  const failed = ran.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  return {
    results: slots.flatMap((s) => (s ? [s.value] : [])),
    notRun: items.filter((_, i) => slots[i] === undefined),
  };
}
