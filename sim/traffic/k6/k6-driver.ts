import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Clock } from '../../clock/clock.js';
import type { LoadedScenario } from '../../scenario/load.js';
import { ExitCode, RehearsalError } from '../../util/errors.js';
import type { Logger } from '../../util/logger.js';
import type { TrafficStats } from '../../vocabulary/traffic-stats.js';
import type { TrafficDriver, TrafficRun } from '../driver.js';
import type { RequestRecord } from '../record.js';
import type { PlannedRequest } from '../schedule.js';
import { exportK6 } from './export.js';
import { type K6Output, parseK6Output } from './output.js';
import { arrivalsWithin, scriptProfile } from './profile.js';
import { type K6RunOptions, type K6RunResult, runK6 } from './runner.js';

/** What the k6 driver needs. */
export interface K6DriverOptions {
  /** The k6 executable (from probeK6). */
  k6: string;
  loaded: LoadedScenario;
  schedule: PlannedRequest[];
  /** The scenario's folder in the run's reports: script, data, k6 output and log go there. */
  workdir: string;
  target: string;
  clock: Clock;
  /** Time zero on the clock. */
  t0: number;
  log: Logger;
  onRecord?: (r: RequestRecord) => void;
  /** Runs k6 (injected by tests; default runK6). */
  runner?: (opts: K6RunOptions) => Promise<K6RunResult>;
}

/** Sends the scenario's traffic with the k6 binary, then reads k6's JSON output back as client-side records. */
export class K6Driver implements TrafficDriver {
  readonly name = 'k6';
  private endAt = Number.POSITIVE_INFINITY;
  private readonly stop = new AbortController();
  private timer: AbortController | undefined;
  private running = false;

  constructor(private readonly opts: K6DriverOptions) {}

  stopAt(ms: number): void {
    this.endAt = Math.min(this.endAt, ms);
    if (this.running) this.arm();
  }

  async run(signal: AbortSignal): Promise<TrafficRun> {
    const { clock, t0, workdir, loaded } = this.opts;
    const files = exportK6(loaded, workdir, this.opts.schedule);
    const outFile = join(workdir, 'k6.ndjson');
    const epochT0 = Date.now() - (clock.now() - t0);
    const onAbort = () => this.stop.abort();
    signal.addEventListener('abort', onAbort, { once: true });
    this.running = true;
    if (signal.aborted) this.stop.abort();
    if (Number.isFinite(this.endAt)) this.arm();
    let result: K6RunResult;
    try {
      result = await (this.opts.runner ?? runK6)({
        k6: this.opts.k6,
        script: files.script,
        outFile,
        logFile: join(workdir, 'k6.log'),
        target: this.opts.target,
        cwd: workdir,
        stop: this.stop.signal,
      });
    } finally {
      this.running = false;
      this.timer?.abort();
      signal.removeEventListener('abort', onAbort);
    }
    let text = '';
    try {
      text = readFileSync(outFile, 'utf8');
    } catch (error) {
      // Stopped before it began: nothing was sent, which the stats say.
      if (!result.stopped)
        throw new RehearsalError(
          `k6 wrote no JSON output at ${outFile}`,
          `see ${join(workdir, 'k6.log')}`,
          ExitCode.rehearsalFailed,
          {
            cause: error,
          },
        );
    }
    const output = parseK6Output(text, epochT0);
    if (output.malformedLines > 1)
      this.opts.log.warn(`k6 output: ${output.malformedLines} lines were not JSON`);
    if (output.droppedIterations > 0)
      this.opts.log.warn(
        `k6 dropped ${output.droppedIterations} iterations (not enough VUs): the schedule was distorted`,
      );
    if (result.thresholdsFailed)
      this.opts.log.warn(`k6: thresholds failed (exit 99); see ${join(workdir, 'k6.log')}`);
    for (const r of output.records) this.opts.onRecord?.(r);
    return { records: output.records, stats: this.stats(output, result, clock.now() - t0) };
  }

  private arm(): void {
    this.timer?.abort();
    const timer = new AbortController();
    this.timer = timer;
    const { clock, t0 } = this.opts;
    clock.sleep(Math.max(0, this.endAt - (clock.now() - t0)), timer.signal).then(
      () => this.stop.abort(),
      () => undefined,
    );
  }

  private stats(output: K6Output, result: K6RunResult, elapsedMs: number): TrafficStats {
    const { traffic } = this.opts.loaded.scenario;
    const span = Math.max(1, Math.min(traffic.duration, this.endAt));
    const planned = Math.min(this.opts.schedule.length, arrivalsWithin(scriptProfile(traffic), span));
    const sent = output.records.length;
    const lags = output.records.map((r) => Math.max(0, r.sentAt - r.intendedAt)).sort((a, b) => a - b);
    return {
      planned,
      sent,
      notSent: Math.max(0, planned - sent),
      targetRate: (planned / span) * 1000,
      achievedRate: (sent / Math.max(1, Math.min(span, elapsedMs))) * 1000,
      lagP99Ms: lags[Math.floor(lags.length * 0.99)] ?? 0,
      lagMaxMs: lags.at(-1) ?? 0,
      driver: 'k6',
      droppedIterations: output.droppedIterations,
      thresholdsFailed: result.thresholdsFailed,
    };
  }
}
