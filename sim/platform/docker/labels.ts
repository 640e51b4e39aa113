import { hostname } from 'node:os';

/** Label on everything this tool creates in Docker (containers, networks, volumes, images). */
export const OWNER_LABEL = 'rehearsal';
/** Label naming the run a container, network or volume belongs to. */
export const RUN_LABEL = 'rehearsal.run';
/** Label naming the platform instance (one per scenario) that created a resource. */
export const SCOPE_LABEL = 'rehearsal.scope';
/** Label naming the harness process (pid@host) that owns a resource, so `clean` can spare live runs. */
export const OWNER_PROCESS_LABEL = 'rehearsal.owner';

/** The labels of one platform instance's resources. */
export function scopeLabels(runId: string, scope: string): Record<string, string> {
  return {
    [OWNER_LABEL]: '1',
    [RUN_LABEL]: runId,
    [SCOPE_LABEL]: scope,
    [OWNER_PROCESS_LABEL]: `${process.pid}@${hostname()}`,
  };
}

/** A Docker API `filters` value selecting resources by label (`key` or `key=value`). */
export function labelFilter(...labels: string[]): string {
  return JSON.stringify({ label: labels });
}

/** Turns any text into something Docker accepts in a container, network or volume name. */
export function dockerName(text: string): string {
  return (
    text
      .toLowerCase()
      .replace(/[^a-z0-9_.-]+/g, '-')
      .replace(/^[^a-z0-9]+/, '')
      .slice(0, 48) || 'x'
  );
}
