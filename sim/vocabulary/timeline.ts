import type { Clock } from '../clock/clock.js';

/** Kinds of event on a rehearsal's timeline. */
export type EventType =
  | 'traffic-start'
  | 'traffic-end'
  | 'deploy'
  | 'weights'
  | 'analysis'
  | 'first-failure'
  | 'decision'
  | 'all-traffic-on-stable'
  | 'candidate-stopped'
  | 'candidate-last-request'
  | 'rollback-capacity'
  | 'approval'
  | 'scaled'
  | 'stable-stopped'
  | 'promoted'
  | 'paused'
  | 'fault-injected'
  | 'fault-verified'
  | 'fault-reverted'
  | 'readiness'
  | 'interrupted'
  | 'error';

/** One event, at ms from the start of traffic. */
export interface TimelineEvent {
  at: number;
  type: EventType;
  message: string;
  data?: Record<string, unknown>;
}

/** The ordered record of what happened during a rehearsal. */
export class Timeline {
  readonly events: TimelineEvent[] = [];
  /** Time zero on the clock: the start of traffic. */
  readonly t0: number;

  constructor(
    private readonly clock: Clock,
    private readonly onEvent?: (e: TimelineEvent) => void,
  ) {
    this.t0 = clock.now();
  }

  /** Milliseconds since time zero. */
  now(): number {
    return this.clock.now() - this.t0;
  }

  /** Appends an event stamped now. */
  add(type: EventType, message: string, data?: Record<string, unknown>): TimelineEvent {
    const event: TimelineEvent = { at: this.now(), type, message, ...(data ? { data } : {}) };
    this.events.push(event);
    this.onEvent?.(event);
    return event;
  }

  /** The first event of a type, if any. */
  first(type: EventType): TimelineEvent | undefined {
    return this.events.find((e) => e.type === type);
  }
}
