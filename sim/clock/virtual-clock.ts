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
   * then the order they were set), for work that is synchronous and starts no task (a late sample reaching the store).
   * `run` calls it without the microtask turns it gives a woken sleep. Those turns are also what lets a task whose
   * chain of awaits outlasts a step's turns go on (the clock moves time while such a task is still runnable), so a
   * callback does not give that task its turns: it goes on at the next woken sleep instead. That is why the scrape
   * loop itself still sleeps (as a callback, a blue-green switch after its approval waited for the end of traffic).
   */
  after(ms: number, fn: () => void): void {
    this.insert({
      at: this.current + Math.max(0, ms),
      seq: this.seq++,
      resolve: fn,
      reject: noReject,
      signal: undefined,
      callback: true,
    });
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

  /** Advances to the earliest timer and wakes it; returns false when none is pending. */
  async step(): Promise<boolean> {
    await flushMicrotasks();
    if (!this.wakeNext()) return false;
    await flushMicrotasks();
    return true;
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

  /** Runs `task` to completion, advancing time whenever it (and everything it started) is asleep. */
  async run<T>(task: Promise<T>): Promise<T> {
    let done = false;
    const tracked = task.finally(() => {
      done = true;
      this.unwatchIdle();
    });
    tracked.catch(() => undefined);
    while (!done) {
      // `await this.step()`, written out: the same microtask turns in the same places (flushMicrotasks(n) resumes
      // its awaiter on the turn after its n-th, and so does an async function's return), so every task interleaves
      // exactly as it would, without a promise and an async frame per step and per flush (a rehearsal steps
      // thousands of times).
      for (let i = 0; i < STEP_TURNS; i++) await settled;
      // Callbacks due before the next sleep are called now, one after another, without a step's turns each (a step per
      // late sample was a third of a rehearsal's steps); see `after`.
      let called = false;
      while (this.timers.length > 0 && this.timers[0]!.callback) called = this.wakeNext();
      const woke = this.wakeNext();
      const moved = called || woke;
      if (woke) for (let i = 0; i < STEP_TURNS; i++) await settled;
      await settled;
      if (!moved && !done) await flushMicrotasks(8);
      if (!moved && !done && this.timers.length === 0) {
        await new Promise((r) => setImmediate(r));
        if (this.timers.length === 0 && !done)
          throw new Error('virtual clock: task is waiting on something other than the clock');
      }
    }
    return tracked;
  }
}

/** Awaiting a settled promise takes one microtask turn, as `await Promise.resolve()` does, without making one. */
const settled = Promise.resolve();

/** The turns `step` gives pending tasks before and after waking a timer: flushMicrotasks()'s four, and the one to resume after it. */
const STEP_TURNS = 5;

async function flushMicrotasks(rounds = 4): Promise<void> {
  for (let i = 0; i < rounds; i++) await settled;
}
