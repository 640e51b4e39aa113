import { isFailed, type RequestRecord } from '../traffic/record.js';
import { pct, seconds } from '../util/format.js';
import type { TimelineEvent } from '../vocabulary/timeline.js';
import type { Palette } from './terminal.js';

/** What the live view shows for an event type: the phase the release is in after it. */
const PHASES: Partial<Record<TimelineEvent['type'], string>> = {
  'traffic-start': 'baseline',
  deploy: 'deploying',
  weights: 'shifting',
  analysis: 'analysing',
  decision: 'rolling back',
  'all-traffic-on-stable': 'rolled back',
  promoted: 'promoted',
  paused: 'paused',
  'traffic-end': 'settling',
  error: 'error',
};

/** Events after which the release may be over: traffic then runs `settle` longer and stops. */
const RELEASE_ENDS = new Set<TimelineEvent['type']>([
  'decision',
  'all-traffic-on-stable',
  'candidate-stopped',
  'promoted',
  'stable-stopped',
  'paused',
]);

/** Live state of one scenario's rehearsal, fed from timeline events and request records. */
export class LiveProgress {
  phase = 'starting';
  weights: Record<string, number> = {};
  /** Latest time seen, ms from the start of traffic. */
  now = 0;
  /** When traffic will really stop, ms from its start: the full duration until the release is decided. */
  endsAt: number;
  private readonly recent: RequestRecord[] = [];
  private settled: number | undefined;

  constructor(
    readonly scenario: string,
    readonly durationMs: number,
    private readonly windowMs = 5000,
    /** How long traffic keeps flowing once the release is over (the scenario's `traffic.settle`). */
    private readonly settleMs = Number.POSITIVE_INFINITY,
  ) {
    this.endsAt = durationMs;
  }

  /** Takes one timeline event. */
  onEvent(e: TimelineEvent): void {
    this.now = Math.max(this.now, e.at);
    if (RELEASE_ENDS.has(e.type)) {
      // Traffic stops `settle` after the release is over (run-scenario's driver.stopAt), not at the full duration.
      const after = this.settled === undefined ? e.at : Math.max(this.settled, e.at);
      this.settled = after;
      this.endsAt = Math.min(this.durationMs, after + this.settleMs);
    }
    if (e.type === 'traffic-end') this.endsAt = Math.min(this.endsAt, e.at);
    if (e.type === 'weights' && e.data) {
      this.weights = Object.fromEntries(
        Object.entries(e.data).filter((kv): kv is [string, number] => typeof kv[1] === 'number'),
      );
    }
    if (e.type === 'decision' && !/roll/i.test(e.message)) this.phase = 'deciding';
    else if (
      e.type === 'weights' &&
      (this.phase === 'rolling back' || this.phase === 'rolled back' || this.phase === 'promoted')
    )
      return;
    else if (e.type === 'analysis' && this.phase === 'analysing') return;
    else this.phase = PHASES[e.type] ?? this.phase;
  }

  /** Takes one finished request. */
  onRecord(r: RequestRecord): void {
    this.now = Math.max(this.now, r.intendedAt + r.latencyMs);
    this.recent.push(r);
    const from = this.now - this.windowMs;
    while (this.recent.length && this.recent[0]!.intendedAt + this.recent[0]!.latencyMs < from)
      this.recent.shift();
  }

  /** Error rate per serving version over the last window of requests. */
  errorRates(): Record<string, { requests: number; rate: number }> {
    const out: Record<string, { requests: number; rate: number; failed: number }> = {};
    for (const r of this.recent) {
      const key = r.version ?? 'no response';
      const v = out[key] ?? { requests: 0, rate: 0, failed: 0 };
      out[key] = v;
      v.requests++;
      if (isFailed(r)) v.failed++;
    }
    for (const v of Object.values(out)) v.rate = v.failed / v.requests;
    return out;
  }

  /** One status line: phase, weights, error rates per version, time left. */
  line(): string {
    const weights =
      Object.entries(this.weights)
        .map(([v, w]) => `${v} ${w}%`)
        .join(' ') || '-';
    const rates = Object.entries(this.errorRates())
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([v, e]) => `${v} ${pct(e.rate)}`)
      .join(' ');
    const left = Math.max(0, Math.ceil((this.endsAt - this.now) / 1000));
    return `${this.scenario}: ${this.phase}, ${left}s left | weights ${weights} | errors ${rates || '-'}`;
  }
}

/** Prints progress: a status line rewritten in place on a TTY, plain lines every `everyMs` of rehearsal time otherwise. */
export class ProgressPrinter {
  private progress: LiveProgress | undefined;
  private shownAt = Number.NEGATIVE_INFINITY;
  private statusShown = false;

  constructor(
    /** Where lines go; `status` (on a terminal) shows the status line, cleared and redrawn around every line. */
    private readonly io: { out(line: string): void; status?: ((text: string) => void) | undefined },
    private readonly p: Palette,
    private readonly live: boolean,
    private readonly everyMs = 5000,
    private readonly width = 120,
  ) {}

  /** Starts following a new scenario. */
  start(progress: LiveProgress): void {
    this.progress = progress;
    this.shownAt = Number.NEGATIVE_INFINITY;
  }

  /** Prints a line above the status line. */
  print(line: string): void {
    this.io.out(line);
    this.show(true);
  }

  /** Takes an event, prints it if `text` is given, and refreshes the status. */
  event(e: TimelineEvent, text?: string): void {
    this.progress?.onEvent(e);
    if (text !== undefined) this.print(text);
    else this.show(true);
  }

  /** Takes a request record and refreshes the status when due. */
  record(r: RequestRecord): void {
    this.progress?.onRecord(r);
    this.show(false);
  }

  /** Removes the status line (before the final output). */
  clear(): void {
    if (this.statusShown) this.io.status?.('');
    this.statusShown = false;
  }

  /** Stops following the current scenario. */
  end(): void {
    this.clear();
    this.progress = undefined;
  }

  private show(force: boolean): void {
    const pr = this.progress;
    if (!pr) return;
    const isLive = this.live && this.io.status !== undefined;
    const step = isLive ? 250 : this.everyMs;
    if (!isLive && force) return;
    if (!force && pr.now - this.shownAt < step) return;
    this.shownAt = isLive ? pr.now : Math.floor(pr.now / step) * step;
    if (isLive) {
      this.io.status!(pr.line().slice(0, this.width - 1));
      this.statusShown = true;
    } else this.io.out(this.p.dim(`  ${seconds(pr.now).padStart(6)}s progress    ${pr.line()}`));
  }
}
