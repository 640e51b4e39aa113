import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../sim/clock/virtual-clock.js';
import { FaultScheduler } from '../../sim/engine/fault-scheduler.js';
import type { FaultConfig } from '../../sim/faults/index.js';
import type { Scraper } from '../../sim/monitor/scraper.js';
import type { Deployment } from '../../sim/platform/platform.js';
import { startRouter } from '../../sim/router/router.js';
import { RouterClient } from '../../sim/router-client/client.js';
import { RouteEditor } from '../../sim/router-client/route-editor.js';
import type { RequestRecord } from '../../sim/traffic/record.js';
import { nullLogger } from '../../sim/util/logger.js';
import { Timeline } from '../../sim/vocabulary/timeline.js';

const versions = { stable: 'v1', candidate: 'v2' };
const deployment = (version: string): Deployment =>
  ({
    version,
    instances: [],
    stop: async () => undefined,
    [Symbol.asyncDispose]: async () => undefined,
  }) as Deployment;

function scheduler(configs: FaultConfig[], deployed: string[]) {
  const clock = new VirtualClock();
  const timeline = new Timeline(clock);
  const deployments = new Map(deployed.map((v) => [v, deployment(v)]));
  const s = new FaultScheduler(configs, versions, deployments, {
    clock,
    log: nullLogger,
    timeline,
    router: {} as RouteEditor,
    scraper: {} as Scraper,
    serviceToken: 't',
    signal: new AbortController().signal,
  });
  return { s, timeline };
}

const record = (version: string, fault?: string): RequestRecord =>
  ({
    seq: 0,
    kind: 'submit',
    userId: 'u',
    segment: 's',
    intendedAt: 0,
    sentAt: 0,
    latencyMs: 1,
    status: 200,
    version,
    ...(fault ? { fault } : {}),
  }) as RequestRecord;

describe('FaultScheduler', () => {
  it('passes start-time toggles once and verifies them against how the deployment went', async () => {
    const { s, timeline } = scheduler(
      [{ type: 'crash-on-start', target: 'candidate', at: 0, share: 1 }],
      ['v1'],
    );
    expect(s.startToggles('v1')).toEqual({});
    expect(s.startToggles('v2')).toEqual({ crashAtStart: true });
    expect(s.startToggles('v2')).toEqual({});
    s.deployed('v2', { error: 'judge service v2-0 exited during start-up (code 3, signal null)' });
    await s.settle();
    const [outcome] = s.outcomes([]);
    expect(outcome).toMatchObject({ type: 'crash-on-start', target: 'v2', applied: true, verified: true });
    expect(timeline.events.map((e) => e.type)).toEqual(['fault-injected', 'fault-verified']);
  });

  it('a start-time fault whose deployment started anyway is not verified', () => {
    const { s } = scheduler([{ type: 'crash-on-start', target: 'candidate', at: 0, share: 1 }], ['v1']);
    s.startToggles('v2');
    s.deployed('v2', { deployment: deployment('v2') });
    expect(s.outcomes([])[0]).toMatchObject({ applied: false, verified: false });
    expect(s.outcomes([])[0]!.detail).toMatch(/despite crashAtStart/);
  });

  it('a fault whose target never ran is reported not injected', () => {
    const { s } = scheduler(
      [{ type: 'http-errors', target: 'candidate', at: 0, share: 1, rate: 0.1 }],
      ['v1'],
    );
    expect(s.outcomes([])[0]).toMatchObject({
      applied: false,
      verified: false,
      detail: 'not injected: its target never ran',
    });
  });

  it('a failed injection is reported with its error, never as applied', async () => {
    const { s, timeline } = scheduler(
      [{ type: 'http-errors', target: 'candidate', at: 0, share: 1, rate: 0.1 }],
      ['v1', 'v2'],
    );
    await s.injectDue();
    await s.settle();
    expect(s.outcomes([record('v2', 'http-errors')])[0]).toMatchObject({ applied: false, verified: false });
    expect(s.outcomes([])[0]!.detail).toMatch(/injection failed: v2 has no running instance/);
    expect(timeline.events.some((e) => e.type === 'error')).toBe(true);
  });

  it('with noToggles, service faults are set on the real router for the target version and cleared on revert', async () => {
    const router = await startRouter({ port: 0, adminPort: 0, token: 't' });
    try {
      const editor = new RouteEditor(new RouterClient(router.adminUrl, 't'));
      await editor.update((t) => {
        t.pools = { v1: [], v2: [] };
        t.weights = { v1: 100, v2: 0 };
      });
      const clock = new VirtualClock();
      const timeline = new Timeline(clock);
      // No instances at all: a toggle would have nowhere to go, so only the router path can inject these.
      const s = new FaultScheduler(
        [
          { type: 'latency', target: 'candidate', at: 0, share: 1, ms: 200, mode: 'tail', requests: 0.2 },
          { type: 'wrong-verdicts', target: 'candidate', at: 0, share: 1, rate: 0.5 },
          { type: 'http-errors', target: 'candidate', at: 0, share: 1, rate: 0.1 },
        ],
        versions,
        new Map([['v2', deployment('v2')]]),
        {
          clock,
          log: nullLogger,
          timeline,
          router: editor,
          scraper: {} as Scraper,
          serviceToken: 't',
          noToggles: true,
          signal: new AbortController().signal,
        },
      );
      await s.injectDue();
      expect(timeline.events.filter((e) => e.type === 'error')).toEqual([]);
      expect((await editor.client.getRoutes()).faults.v2).toMatchObject({
        delayMs: 200,
        delayRate: 0.2,
        wrongVerdictRate: 0.5,
        errorRate: 0.1,
      });
      await s.revertAll();
      expect((await editor.client.getRoutes()).faults).toEqual({});
    } finally {
      await router.close();
    }
  });
});
