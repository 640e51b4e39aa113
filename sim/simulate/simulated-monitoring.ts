import type { VirtualClock } from '../clock/virtual-clock.js';
import type { Sample } from '../monitor/prom-text.js';
import type { ScrapeDistortion, ScraperKnobs } from '../monitor/scraper.js';
import type { MetricStore } from '../monitor/store.js';
import type { Random } from '../util/random.js';
import type { SimulatedService } from './simulated-service.js';

/** How monitoring distorts what it sees: late samples and lost scrapes. */
export interface MonitoringModel {
  scrapeIntervalMs: number;
  /** Samples are stored this long after they were taken. */
  lagMs: number;
  /** Probability that a scrape is lost (a gap). */
  gapProbability: number;
}

/** Scrapes the simulated router's counters into a MetricStore on the clock, as the live Scraper does over HTTP. */
export class SimulatedMonitoring implements ScraperKnobs {
  scrapes = 0;
  /** Sample arrays of delivered scrapes, for the next ones to write into. */
  private readonly spare: Sample[][] = [];
  gaps = 0;
  /** Scrapes that failed because a monitoring fault took the endpoints down. */
  failures = 0;
  /** The knobs monitoring faults turn, as on the live Scraper. */
  readonly distortion: ScrapeDistortion = { blind: false, delayMs: 0 };

  constructor(
    private readonly service: SimulatedService,
    private readonly store: MetricStore,
    private readonly clock: VirtualClock,
    private readonly now: () => number,
    private readonly model: MonitoringModel,
    private readonly rng: Random,
  ) {}

  get intervalMs(): number {
    return this.model.scrapeIntervalMs;
  }

  /** Scrapes once, now (unless this scrape is lost, or a monitoring fault blinds or downs it). */
  scrapeOnce(): void {
    const takenAt = this.now();
    this.service.advanceTo(takenAt);
    if (this.distortion.blind) return;
    if (this.distortion.down) {
      this.failures++;
      return;
    }
    if (this.model.gapProbability > 0 && this.rng.next() < this.model.gapProbability) {
      this.gaps++;
      return;
    }
    const relabel = this.distortion.relabel;
    // A scrape's array goes back to `spare` once the store has it (the store keeps values, not sample objects).
    const buffer = this.spare.pop() ?? [];
    const samples = relabel
      ? this.service.samples(buffer).map((s) => ({ ...s, labels: relabel(s.labels) }))
      : this.service.samples(buffer);
    if (relabel) this.spare.push(buffer);
    this.scrapes++;
    const lag = this.model.lagMs + this.distortion.delayMs;
    if (lag > 0) this.clock.after(lag, () => this.deliver(takenAt, samples, relabel ? undefined : buffer));
    else this.deliver(takenAt, samples, relabel ? undefined : buffer);
  }

  /** Adds a scrape's samples to the store, then keeps `buffer` for a later scrape. */
  private deliver(takenAt: number, samples: Sample[], buffer: Sample[] | undefined): void {
    this.store.add(takenAt, samples);
    if (buffer) this.spare.push(buffer);
  }

  /**
   * Scrapes every interval until `signal` aborts (resolving then). A scrape is synchronous and wakes no task, so each
   * one is a clock callback, not a sleep: no task switch per scrape.
   */
  run(signal: AbortSignal): Promise<void> {
    if (signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      signal.addEventListener('abort', () => resolve(), { once: true });
      const tick = () => {
        this.scrapeOnce();
        this.clock.after(this.model.scrapeIntervalMs, tick, signal);
      };
      tick();
    });
  }
}
