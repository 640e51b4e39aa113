import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { PlatformUnavailableError } from '../util/errors.js';
import type { ExternalVersion } from './platform.js';

/** The placeholders an external version's `command` and `env` values may hold, and what each becomes. */
export const placeholders = {
  '{port}': 'the port the instance listens on (local: a free port, also in PORT; docker: `port`)',
  '{workdir}': "the scenario's own run folder (local; e.g. a database file shared by every instance)",
  '{instance}': 'the instance id, e.g. v2-0',
  '{scenarioDir}': 'the folder of the scenario file (local; for paths relative to it)',
} as const;

/** The values of {@link placeholders} for one instance. */
export interface PlaceholderValues {
  port: number;
  instance: string;
  workdir?: string;
  file: string;
}

/** Replaces every placeholder in `text`; an unknown `{name}` is left as it is (it may be the program's own syntax). */
export function fill(text: string, v: PlaceholderValues): string {
  return text
    .replaceAll('{port}', String(v.port))
    .replaceAll('{instance}', v.instance)
    .replaceAll('{scenarioDir}', dirname(resolve(v.file)))
    .replaceAll('{workdir}', v.workdir ?? '{workdir}');
}

/** A scenario's `service.versions.<label>` as validated (the platform layer does not import the scenario's). */
interface VersionFields {
  image?: string | undefined;
  command?: string[] | undefined;
  port: number;
  liveness: string;
  readiness: string;
  env: Record<string, string>;
  startupTimeout: number;
}

/** What {@link externalVersions} reads of a loaded scenario. */
export interface ScenarioService {
  file: string;
  scenario: {
    service: {
      kind: 'sample' | 'external';
      stable: string;
      candidate: string;
      versions?: Record<string, VersionFields> | undefined;
    };
  };
}

/** The external versions a scenario deploys (stable and candidate), empty for the sample service. */
export function externalVersions(loaded: ScenarioService): ExternalVersion[] {
  const { service } = loaded.scenario;
  if (service.kind !== 'external') return [];
  return [...new Set([service.stable, service.candidate])].flatMap((version) => {
    const v = service.versions?.[version];
    if (!v) return [];
    return [
      {
        version,
        start: {
          file: loaded.file,
          ...(v.image !== undefined ? { image: v.image } : {}),
          ...(v.command !== undefined ? { command: v.command } : {}),
          port: v.port,
          liveness: v.liveness,
          readiness: v.readiness,
          env: v.env,
          startupTimeoutMs: v.startupTimeout,
        },
      },
    ];
  });
}

/** Throws the problems of `Platform.checkExternal` as one error (exit 3), before the platform creates anything. */
export function refuseExternal(platform: string, problems: string[]): void {
  if (problems.length === 0) return;
  throw new PlatformUnavailableError(
    `the ${platform} platform cannot start this external service:\n  ${problems.join('\n  ')}`,
    platform === 'kind'
      ? 'run it with --platform local (service.versions.<v>.command) or --platform docker (service.versions.<v>.image)'
      : 'fix service.versions in the scenario file, or choose the other platform (local runs `command`, docker runs `image`)',
  );
}

/** The last `n` non-empty lines of a log file, joined with ` | `; `(none)` when it is empty or unreadable. */
export function logTail(file: string, n = 5): string {
  try {
    const lines = readFileSync(file, 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '');
    return lines.slice(-n).join(' | ') || '(none)';
  } catch {
    return '(none)';
  }
}
