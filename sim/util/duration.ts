import { seconds } from './format.js';

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Parses "250ms", "15s", "2m", "1h" or a bare number of seconds into milliseconds; undefined if malformed. */
export function parseDuration(value: string | number): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value * 1000 : undefined;
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(value.trim());
  if (!match) return undefined;
  return Number(match[1]) * UNITS[match[2]!]!;
}

/** Formats milliseconds the way scenarios write durations. */
export function formatDuration(ms: number): string {
  if (ms % 60_000 === 0 && ms >= 60_000) return `${ms / 60_000}m`;
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  if (ms >= 1000) return `${seconds(ms)}s`;
  return `${Math.round(ms)}ms`;
}
