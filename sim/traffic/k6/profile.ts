import type { Scenario } from '../../scenario/schema.js';

/** The arrival profile as the script's own code sees it: requests per second over the run. */
export type ScriptProfile =
  | { type: 'constant'; rate: number; durationMs: number }
  | { type: 'ramp'; from: number; to: number; durationMs: number };

/** k6 executor settings for one open-model scenario (constant- or ramping-arrival-rate). */
export type K6Executor =
  | {
      executor: 'constant-arrival-rate';
      rate: number;
      timeUnit: string;
      duration: string;
      preAllocatedVUs: number;
      maxVUs: number;
      gracefulStop: string;
    }
  | {
      executor: 'ramping-arrival-rate';
      startRate: number;
      timeUnit: string;
      stages: { target: number; duration: string }[];
      preAllocatedVUs: number;
      maxVUs: number;
      gracefulStop: string;
    };

/** The script's view of the scenario's arrival profile. */
export function scriptProfile(traffic: Scenario['traffic']): ScriptProfile {
  const p = traffic.profile;
  return p.type === 'constant'
    ? { type: 'constant', rate: p.rate, durationMs: traffic.duration }
    : { type: 'ramp', from: p.from, to: p.to, durationMs: traffic.duration };
}

/**
 * The k6 executor for a scenario's traffic: the same rate (k6 wants whole iterations per time unit, so a
 * fractional rate stretches the unit), VUs for the peak rate at the slow-request latency, and up to the
 * peak rate times the timeout before k6 has to drop iterations.
 */
export function k6Executor(traffic: Scenario['traffic']): K6Executor {
  const p = traffic.profile;
  const rates = p.type === 'constant' ? [p.rate] : [p.from, p.to];
  const unit =
    [1, 10, 100, 1000].find((m) => rates.every((r) => Math.abs(r * m - Math.round(r * m)) < 1e-9)) ?? 1000;
  const peak = Math.max(...rates);
  const preAllocatedVUs = Math.min(
    5000,
    Math.max(5, Math.ceil(peak * Math.max(1, traffic.slowMs / 1000) * 2)),
  );
  const maxVUs = Math.min(
    10_000,
    Math.max(preAllocatedVUs, Math.ceil((peak * traffic.timeout * 1.2) / 1000)),
  );
  const common = {
    timeUnit: `${unit}s`,
    preAllocatedVUs,
    maxVUs,
    gracefulStop: `${traffic.timeout + 2000}ms`,
  };
  if (p.type === 'constant') {
    return {
      executor: 'constant-arrival-rate',
      rate: Math.round(p.rate * unit),
      duration: `${traffic.duration}ms`,
      ...common,
    };
  }
  return {
    executor: 'ramping-arrival-rate',
    startRate: Math.round(p.from * unit),
    stages: [{ target: Math.round(p.to * unit), duration: `${traffic.duration}ms` }],
    ...common,
  };
}

/** How many iterations k6 starts in the first `ms` of a profile (see the script's `offsetMs`). */
export function arrivalsWithin(profile: ScriptProfile, ms: number): number {
  const t = Math.max(0, Math.min(ms, profile.durationMs)) / 1000;
  if (t === 0) return 0;
  if (profile.type === 'constant') return Math.floor(profile.rate * t - 1e-9) + 1;
  const area = profile.from * t + ((profile.to - profile.from) * t * t) / (2 * (profile.durationMs / 1000));
  return Math.max(0, Math.floor(area - 1e-9));
}
