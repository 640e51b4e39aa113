import { percent } from '../util/format.js';
import type { TrafficStats } from '../vocabulary/traffic-stats.js';

/** When a traffic run counts as distorted: the generator fell behind its schedule enough to skew the figures. */
export interface DistortionLimits {
  /** Send lag p99 above this (ms) distorts latency and the blast radius's timing. */
  maxLagP99Ms: number;
  /** Achieved rate below this share of the target rate means users got less traffic than planned. */
  minAchievedRatio: number;
}

/** The limits a rehearsal uses: 100 ms of send lag at p99, 99% of the target rate. */
export const defaultDistortionLimits: DistortionLimits = { maxLagP99Ms: 100, minAchievedRatio: 0.99 };

/** Why a traffic run's figures are distorted, one clause per broken limit; null when the schedule was kept. */
export function trafficDistortion(
  stats: TrafficStats,
  limits: DistortionLimits = defaultDistortionLimits,
): string | null {
  const reasons: string[] = [];
  const ms = (n: number) => `${Math.round(n)} ms`;
  if (stats.notSent > 0) reasons.push(`${stats.notSent} of ${stats.planned} planned requests not sent`);
  if (stats.targetRate > 0 && stats.achievedRate / stats.targetRate < limits.minAchievedRatio) {
    const share = percent(stats.achievedRate / stats.targetRate);
    reasons.push(
      `achieved ${stats.achievedRate.toFixed(1)} req/s of ${stats.targetRate.toFixed(1)} req/s target (${share}% < ${limits.minAchievedRatio * 100}%)`,
    );
  }
  if (stats.lagP99Ms > limits.maxLagP99Ms) {
    reasons.push(
      `send lag p99 ${ms(stats.lagP99Ms)} (max ${ms(stats.lagMaxMs)}) > ${ms(limits.maxLagP99Ms)} behind schedule`,
    );
  }
  if ((stats.droppedIterations ?? 0) > 0)
    reasons.push(`k6 dropped ${stats.droppedIterations} iterations for want of a free VU`);
  return reasons.length ? `traffic generator fell behind its schedule: ${reasons.join('; ')}` : null;
}
