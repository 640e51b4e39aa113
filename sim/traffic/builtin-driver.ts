import type { TrafficDriver, TrafficRun } from './driver.js';
import type { TrafficGenerator } from './generator.js';

/** The built-in generator (undici, open model) behind the driver interface. */
export class BuiltinDriver implements TrafficDriver {
  readonly name = 'builtin';

  constructor(private readonly generator: TrafficGenerator) {}

  stopAt(ms: number): void {
    this.generator.stopAt(ms);
  }

  async run(signal: AbortSignal): Promise<TrafficRun> {
    const stats = await this.generator.run(signal);
    return { records: this.generator.records, stats };
  }
}
