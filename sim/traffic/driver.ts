import type { TrafficStats } from '../vocabulary/traffic-stats.js';
import type { RequestRecord } from './record.js';

/** What a traffic driver hands back: the ground truth and how well the schedule was kept. */
export interface TrafficRun {
  records: RequestRecord[];
  stats: TrafficStats;
}

/** Something that sends a scenario's planned traffic at the service: the built-in generator or k6. */
export interface TrafficDriver {
  /** `builtin` or `k6`, for the timeline and the report. */
  readonly name: string;
  /** Ends traffic early: nothing planned at or after `ms` (from time zero) is sent. */
  stopAt(ms: number): void;
  /** Sends the traffic to its end (or until `signal` aborts) and returns what users experienced. */
  run(signal: AbortSignal): Promise<TrafficRun>;
}
