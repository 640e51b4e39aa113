const TICK_MS = 20;
const HIGH_WATER = 64 * 1024;

/** Paces a response body to `kbps` kilobits per second, one slice per tick; the first slice goes at once. */
export class Pacer {
  private readonly bytesPerMs: number;
  private readonly sliceBytes: number;
  private queue: Buffer[] = [];
  private queued = 0;
  private timer: NodeJS.Timeout | undefined;
  private ending = false;
  private drainListener: (() => void) | undefined;

  constructor(
    kbps: number,
    private readonly write: (slice: Buffer) => void,
    private readonly finish: () => void,
  ) {
    this.bytesPerMs = (kbps * 1000) / 8 / 1000;
    this.sliceBytes = Math.max(1, Math.floor(this.bytesPerMs * TICK_MS));
  }

  /** Queues body bytes; false means wait for `onDrain` before pushing more. */
  push(chunk: Buffer): boolean {
    this.queue.push(Buffer.from(chunk));
    this.queued += chunk.length;
    if (this.timer === undefined) this.tick();
    return this.queued < HIGH_WATER;
  }

  /** No more bytes will come; `finish` runs once the queue is sent. */
  end(): void {
    this.ending = true;
    if (this.timer === undefined && this.queued === 0) this.finish();
  }

  /** Calls `listener` once the queue falls below the high-water mark. */
  onDrain(listener: () => void): void {
    this.drainListener = listener;
  }

  /** Cancels pacing (the client went away). */
  stop(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.queue = [];
  }

  private tick(): void {
    this.timer = undefined;
    const head = this.queue[0];
    if (head === undefined) {
      if (this.ending) this.finish();
      return;
    }
    const slice = head.subarray(0, this.sliceBytes);
    if (slice.length === head.length) this.queue.shift();
    else this.queue[0] = head.subarray(slice.length);
    this.queued -= slice.length;
    this.write(slice);
    if (this.queued < HIGH_WATER && this.drainListener !== undefined) {
      const listener = this.drainListener;
      this.drainListener = undefined;
      listener();
    }
    this.timer = setTimeout(() => this.tick(), slice.length / this.bytesPerMs);
  }
}
