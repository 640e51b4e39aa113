import { Transform, type TransformCallback } from 'node:stream';

const TICK_MS = 20;

/** A pass-through stream that limits throughput to `kbps` kilobits per second. */
export class Throttle extends Transform {
  private readonly bytesPerMs: number;
  private readonly sliceBytes: number;
  private timer: NodeJS.Timeout | undefined;

  constructor(kbps: number) {
    super();
    this.bytesPerMs = (kbps * 1000) / 8 / 1000;
    this.sliceBytes = Math.max(1, Math.floor(this.bytesPerMs * TICK_MS));
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    let offset = 0;
    const step = (): void => {
      this.timer = undefined;
      if (offset >= chunk.length || this.destroyed) {
        callback();
        return;
      }
      const slice = chunk.subarray(offset, offset + this.sliceBytes);
      offset += slice.length;
      this.push(slice);
      this.timer = setTimeout(step, slice.length / this.bytesPerMs);
    };
    step();
  }

  override _destroy(error: Error | null, callback: (error: Error | null) => void): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    callback(error);
  }
}
