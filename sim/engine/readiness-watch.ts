import type { Clock } from '../clock/clock.js';
import type { RouteEditor } from '../router-client/route-editor.js';
import { messageOf } from '../util/errors.js';
import type { Logger } from '../util/logger.js';
import type { Timeline } from '../vocabulary/timeline.js';

/** How instances are probed for readiness (Kubernetes' readinessProbe, compressed to rehearsal time). */
export interface ReadinessProbeConfig {
  /** Time between probes of each instance. */
  period: number;
  /** A probe not answered within this long fails. */
  timeout: number;
  /** Consecutive failed probes before an instance is taken out of the router. */
  failureThreshold: number;
}

/** An instance to probe: where the harness reaches it, and its place in the route table. */
export interface ProbeTarget {
  version: string;
  id: string;
  /** Base URL reachable from the harness. */
  url: string;
  /** Where its readiness answers (default `/readyz`; an external version's own path). */
  readinessPath?: string;
}

/**
 * The endpoints controller of a rehearsal: probes the readiness path (`/readyz`, or an external version's own) of
 * every instance in the route table and
 * takes an instance out of the router after `failureThreshold` failed probes in a row, putting it back
 * on the first probe that passes. An instance that stops answering (killed, frozen, draining, or just
 * reporting not ready) stops getting new requests, as behind a Kubernetes Service.
 */
export class ReadinessWatcher {
  private readonly failures = new Map<string, number>();
  private readonly unready = new Set<string>();

  constructor(
    private readonly deps: {
      editor: RouteEditor;
      /** Every instance the rehearsal started; only those in the route table are probed. */
      instances: () => ProbeTarget[];
      clock: Clock;
      timeline: Timeline;
      log: Logger;
      config: ReadinessProbeConfig;
    },
  ) {}

  /** Instances currently out of the router, as `version/id`. */
  get notReady(): string[] {
    return [...this.unready];
  }

  /** Probes on schedule until `signal` aborts. */
  async run(signal: AbortSignal): Promise<void> {
    const { clock, config } = this.deps;
    while (!signal.aborted) {
      await clock.sleep(config.period, signal).catch(() => undefined);
      if (signal.aborted) return;
      await this.round(signal);
    }
  }

  /** One round: every routed instance probed at once; the router is updated if any instance changed state. */
  async round(signal?: AbortSignal): Promise<void> {
    const { editor, timeline, config, log } = this.deps;
    const table = editor.current;
    const routed = this.deps.instances().filter((i) => table.pools[i.version]?.some((m) => m.id === i.id));
    const results = await Promise.all(
      routed.map((i) => probe(i.url, i.readinessPath ?? '/readyz', config.timeout, signal)),
    );
    if (signal?.aborted) return;
    let changed = false;
    routed.forEach((instance, n) => {
      const key = `${instance.version}/${instance.id}`;
      const failure = results[n];
      if (failure === undefined) {
        this.failures.set(key, 0);
        if (this.unready.delete(key)) {
          changed = true;
          timeline.add('readiness', `${key} ready again: back in the router`, { instance: key, ready: true });
        }
        return;
      }
      const count = (this.failures.get(key) ?? 0) + 1;
      this.failures.set(key, count);
      if (count >= config.failureThreshold && !this.unready.has(key)) {
        this.unready.add(key);
        changed = true;
        timeline.add(
          'readiness',
          `${key} not ready (${failure}, ${count} probes in a row): out of the router`,
          {
            instance: key,
            ready: false,
          },
        );
      }
    });
    // Instances that left the table (rolled back, scaled down) are forgotten quietly.
    const present = new Set(routed.map((i) => `${i.version}/${i.id}`));
    for (const key of this.unready) {
      if (present.has(key)) continue;
      this.unready.delete(key);
      this.failures.delete(key);
      changed = true;
    }
    if (changed) {
      await editor.setUnready(this.unready).catch((error: unknown) => {
        log.warn(`readiness: could not update the router: ${messageOf(error)}`);
      });
    }
  }
}

/** GET `path`; undefined when it answered 200, else why it failed. */
async function probe(
  url: string,
  path: string,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<string | undefined> {
  const timeout = AbortSignal.timeout(timeoutMs);
  try {
    const res = await fetch(`${url}${path}`, {
      signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
    });
    const body = await res.text().catch(() => '');
    if (res.status === 200) return undefined;
    const reasons = readReasons(body);
    return `${path} ${res.status}${reasons ? `: ${reasons}` : ''}`;
  } catch (error) {
    if (timeout.aborted) return `${path} no answer within ${timeoutMs} ms`;
    const code = (error as { cause?: { code?: unknown } }).cause?.code;
    return `${path} failed: ${typeof code === 'string' ? code : messageOf(error)}`;
  }
}

function readReasons(body: string): string {
  try {
    const parsed = JSON.parse(body) as { reasons?: unknown };
    return Array.isArray(parsed.reasons) ? parsed.reasons.map(String).join('; ') : '';
  } catch {
    return '';
  }
}
