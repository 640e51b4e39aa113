/** How well a traffic driver (the built-in generator or k6) kept its schedule. */
export interface TrafficStats {
  planned: number;
  sent: number;
  /** Planned requests never sent (the run was cut short). */
  notSent: number;
  targetRate: number;
  achievedRate: number;
  /** Send lag behind the intended time: p99 and max, ms. */
  lagP99Ms: number;
  lagMaxMs: number;
  /** Which driver sent the traffic (`builtin` when absent). */
  driver?: string;
  /** k6 only: iterations k6 could not start for want of a free VU (schedule distortion). */
  droppedIterations?: number;
  /** k6 only: k6 exited 99, one of the script's thresholds failed. */
  thresholdsFailed?: boolean;
}
