import { promiseHooks } from 'node:v8';
import { abortError, type Clock } from './clock.js';

interface Timer {
  at: number;
  seq: number;
  resolve: () => void;
  reject: (e: unknown) => void;
  signal: AbortSignal | undefined;
  /** A callback timer (`after`): `resolve` is the callback itself, called synchronously when it is due. */
  callback?: true;
}

const noReject = () => {};

/**
 * Virtual time: sleeps resolve in time order when `run` advances the clock, so a whole rehearsal
 * runs as fast as its code. Time only moves when every pending task is asleep.
 */
export class VirtualClock implements Clock {
  private current = 0;
  private seq = 0;
  private timers: Timer[] = [];
  private readonly bySignal = new Map<AbortSignal, { pending: Set<Timer>; onAbort: () => void }>();

  constructor(start = 0) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(abortError(signal));
    return new Promise((resolve, reject) => {
      const timer: Timer = { at: this.current + Math.max(0, ms), seq: this.seq++, resolve, reject, signal };
      this.insert(timer);
      if (signal) this.watch(signal).add(timer);
    });
  }

  /**
   * Calls `fn` when `ms` of virtual time have passed, in the same place among the timers as `sleep(ms)` would wake (time,
   * then the order they were set), for work that is synchronous and resolves nothing a task awaits (a scrape, a late
   * sample reaching the store). `run` calls due callbacks one after another without letting tasks run in between, which
   * is what makes one cheaper than a sleep: a loop that only does such work (the simulated scrape) costs no task switch.
   * Dropped, uncalled, when `signal` aborts.
   */
  after(ms: number, fn: () => void, signal?: AbortSignal): void {
    if (signal?.aborted) return;
    const timer: Timer = {
      at: this.current + Math.max(0, ms),
      seq: this.seq++,
      resolve: fn,
      reject: noReject,
      signal,
      callback: true,
    };
    this.insert(timer);
    if (signal) this.watch(signal).add(timer);
  }

  /**
   * The sleeps pending on `signal`, with one 'abort' listener for them all: they are rejected in the order they began,
   * as one listener each would, without adding and removing an event listener per sleep (a rehearsal sleeps on one
   * signal hundreds of times). `run` removes the listeners of signals with no sleep left when it ends.
   */
  private watch(signal: AbortSignal): Set<Timer> {
    let watched = this.bySignal.get(signal);
    if (!watched) {
      const pending = new Set<Timer>();
      const onAbort = () => {
        this.bySignal.delete(signal);
        for (const timer of pending) {
          const i = this.timers.indexOf(timer);
          if (i >= 0) this.timers.splice(i, 1);
          timer.reject(abortError(signal));
        }
        pending.clear();
      };
      watched = { pending, onAbort };
      this.bySignal.set(signal, watched);
      signal.addEventListener('abort', onAbort, { once: true });
    }
    return watched.pending;
  }

  /** Removes the abort listeners of signals no sleep waits on (a signal may outlive this clock). */
  private unwatchIdle(): void {
    for (const [signal, { pending, onAbort }] of this.bySignal) {
      if (pending.size > 0) continue;
      signal.removeEventListener('abort', onAbort);
      this.bySignal.delete(signal);
    }
  }

  /** Number of sleeps waiting for time to move. */
  get pending(): number {
    return this.timers.length;
  }

  /** Moves time to the earliest timer and resolves it; false when none is pending. */
  private wakeNext(): boolean {
    if (this.timers.length === 0) return false;
    const next = this.timers.shift()!;
    this.current = Math.max(this.current, next.at);
    if (next.signal) this.bySignal.get(next.signal)?.pending.delete(next);
    next.resolve();
    return true;
  }

  /**
   * Keeps `timers` in wake order (time, then sleep order) as each one arrives, rather than sorting at every step:
   * a new timer has the highest `seq`, so it goes after every timer due at or before its time.
   */
  private insert(timer: Timer): void {
    let lo = 0;
    let hi = this.timers.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.timers[mid]!.at <= timer.at) lo = mid + 1;
      else hi = mid;
    }
    this.timers.splice(lo, 0, timer);
  }

  /**
   * Runs `task` to completion, advancing time whenever it (and everything it started) is asleep. After each wake the
   * clock takes microtask turns until one whole turn of the queue ran no job but a clock's own (see `reactions`):
   * every task woken, however long its chain of awaits, has then run on until it sleeps again, ends, or waits on
   * another task. Time never moves while a task is still runnable, as it never does on a real clock at one instant.
   */
  async run<T>(task: Promise<T>): Promise<T> {
    let done = false;
    const tracked = task.finally(() => {
      done = true;
      this.unwatchIdle();
    });
    tracked.catch(() => undefined);
    watchReactions();
    try {
      for (;;) {
        // Settle: turns until one saw no task's reaction (written out: an async call would itself be turns).
        for (;;) {
          const before = reactions - clockTurns;
          await settled;
          clockTurns++;
          if (reactions - clockTurns === before) break;
        }
        if (done) break;
        // Callbacks due before the next sleep are called now, one after another (see `after`).
        let called = false;
        while (this.timers.length > 0 && this.timers[0]!.callback) called = this.wakeNext();
        if (this.wakeNext() || called) continue;
        // Nothing to wake: let the event loop turn once (a task may wait on a macrotask), then give up.
        await new Promise<void>(setImmediate);
        if (!done && this.timers.length === 0)
          throw new Error('virtual clock: task is waiting on something other than the clock');
      }
    } finally {
      unwatchReactions();
    }
    return tracked;
  }
}

/** Awaiting a settled promise takes one microtask turn, as `await Promise.resolve()` does, without making one. */
const settled = Promise.resolve();

/**
 * Promise reactions run in this thread while a clock runs: every await's resumption and every `then` callback is one
 * (V8's promise hook, counted only while some clock runs), and the clocks' own turns, each also one. A clock's turn
 * (`await settled`) goes to the back of the microtask queue, so when it resumes, every job queued before it has run;
 * if none of them was a task's (reactions grew only by the clocks' turns), the queue held nothing of the tasks': all of
 * them sleep or wait on one another. Jobs queued with `queueMicrotask` are not promise reactions and are not seen (no
 * simulated code uses it).
 */
let reactions = 0;
let clockTurns = 0;
let runningClocks = 0;
let stopWatching: ReturnType<typeof promiseHooks.onBefore> | undefined;

function watchReactions(): void {
  if (runningClocks++ === 0)
    stopWatching = promiseHooks.onBefore(() => {
      reactions++;
    });
}

function unwatchReactions(): void {
  if (--runningClocks === 0) {
    stopWatching?.();
    stopWatching = undefined;
  }
}
