import type { Clock } from '../clock/clock.js';

/** One smoke request sent to the preview (the candidate reached by header). */
export interface PreviewRequest {
  method: 'GET' | 'POST';
  path: string;
  body?: string;
}

/** Smoke traffic aimed at the candidate by header while it is in preview (blue-green). */
export interface PreviewTraffic {
  /** Starts sending to `version`; resolves the returned stop() once the sender has ended. */
  start(version: string): { stop(): Promise<void> };
}

/** Sends no smoke traffic: the null object. */
export const noPreviewTraffic: PreviewTraffic = { start: () => ({ stop: async () => undefined }) };

/** Smoke requests to the router's data plane at a fixed rate, routed by `x-rehearsal-route`; not user traffic. */
export class HttpPreviewTraffic implements PreviewTraffic {
  /** Smoke responses that carried `x-rehearsal-fault`, by `version\0marker` (evidence that a fault took effect). */
  readonly faultMarks = new Map<string, number>();

  constructor(
    private readonly routerUrl: string,
    private readonly clock: Clock,
    private readonly ratePerSecond: number,
    private readonly requests: PreviewRequest[],
  ) {}

  /** Smoke responses from `version` marked with `marker`. */
  marked(version: string, marker: string): number {
    return this.faultMarks.get(`${version}\0${marker}`) ?? 0;
  }

  start(version: string): { stop(): Promise<void> } {
    const stopper = new AbortController();
    const inflight = new Set<Promise<unknown>>();
    const loop = async () => {
      for (let n = 0; !stopper.signal.aborted; n++) {
        const r = this.requests[n % this.requests.length];
        if (r) {
          const p = fetch(`${this.routerUrl}${r.path}`, {
            method: r.method,
            headers: {
              'x-rehearsal-route': version,
              'x-user-id': 'preview-smoke',
              'x-user-segment': 'internal',
              ...(r.body ? { 'content-type': 'application/json' } : {}),
            },
            ...(r.body ? { body: r.body } : {}),
            signal: AbortSignal.timeout(5000),
          })
            .then((res) => {
              const fault = res.headers.get('x-rehearsal-fault');
              const served = res.headers.get('x-served-by')?.split('/')[0];
              if (fault && served)
                this.faultMarks.set(
                  `${served}\0${fault}`,
                  (this.faultMarks.get(`${served}\0${fault}`) ?? 0) + 1,
                );
              return res.arrayBuffer();
            })
            .catch(() => undefined);
          inflight.add(p);
          void p.finally(() => inflight.delete(p));
        }
        await this.clock.sleep(1000 / this.ratePerSecond, stopper.signal).catch(() => undefined);
      }
    };
    const running = loop();
    return {
      stop: async () => {
        stopper.abort();
        await running;
        await Promise.allSettled([...inflight]);
      },
    };
  }
}
