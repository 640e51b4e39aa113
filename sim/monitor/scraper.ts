import type { Clock } from '../clock/clock.js';
import { messageOf } from '../util/errors.js';
import type { Logger } from '../util/logger.js';
import { parsePromText } from './prom-text.js';
import type { MetricStore } from './store.js';

/** Something to scrape, with the labels its samples get (like Prometheus target labels). */
export interface ScrapeTarget {
  url: string;
  labels: Record<string, string>;
}

/** Knobs the monitoring faults turn: a scraper that is blind, late or mislabels. */
export interface ScrapeDistortion {
  /** Scrapes are skipped (a gap) while true. */
  blind: boolean;
  /** Samples are stored this long after they were taken (stale metrics). */
  delayMs: number;
  /** Label values rewritten on the way in (queries then find nothing). */
  relabel?: (labels: Record<string, string>) => Record<string, string>;
  /** Every scrape fails as if the metrics endpoints were down (counted in `failures`). */
  down?: boolean;
}

/** What monitoring faults act on: the distortion knobs and the counters that show them working (live or simulated). */
export type ScraperKnobs = Pick<Scraper, 'distortion' | 'intervalMs' | 'scrapes' | 'failures'> & {
  /** How long after a knob turns its effect can show in the counters, beyond one interval (default 0). */
  effectDelayMs?: number;
};

/** Scrapes targets at an interval into a store; the controller reads the store and nothing else. */
export class Scraper {
  readonly distortion: ScrapeDistortion = { blind: false, delayMs: 0 };
  scrapes = 0;
  failures = 0;

  constructor(
    private readonly store: MetricStore,
    private readonly targets: () => ScrapeTarget[],
    private readonly clock: Clock,
    /** Time between scrapes. */
    readonly intervalMs: number,
    private readonly log: Logger,
  ) {}

  /** Scrapes every target once, now. */
  async scrapeOnce(): Promise<void> {
    if (this.distortion.blind) return;
    const takenAt = this.clock.now();
    await Promise.all(
      this.targets().map(async (target) => {
        try {
          if (this.distortion.down) throw new Error('metrics endpoint down (metrics-down fault)');
          const res = await fetch(target.url, {
            signal: AbortSignal.timeout(Math.max(500, this.intervalMs)),
          });
          const text = await res.text();
          if (!res.ok) throw new Error(`HTTP ${res.status}`);
          const samples = parsePromText(text);
          const relabel = this.distortion.relabel;
          const labels = relabel ? relabel(target.labels) : target.labels;
          const store = () =>
            this.store.add(
              takenAt,
              relabel ? samples.map((s) => ({ ...s, labels: relabel(s.labels) })) : samples,
              labels,
            );
          if (this.distortion.delayMs > 0) void this.clock.sleep(this.distortion.delayMs).then(store);
          else store();
          this.scrapes++;
        } catch (error) {
          this.failures++;
          this.log.debug(`scrape of ${target.url} failed: ${messageOf(error)}`);
        }
      }),
    );
  }

  /** Scrapes every interval until `signal` aborts. */
  async run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      const started = this.clock.now();
      await this.scrapeOnce();
      const wait = this.intervalMs - (this.clock.now() - started);
      try {
        await this.clock.sleep(Math.max(0, wait), signal);
      } catch {
        return;
      }
    }
  }
}
