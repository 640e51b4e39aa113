import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../sim/clock/virtual-clock.js';
import type { RecordsTruth } from '../../sim/engine/live-rig.js';
import { rehearse, STOP_GRACE_MS } from '../../sim/engine/rehearsal.js';
import type { Rig, RigParts } from '../../sim/engine/rig.js';
import { Queries } from '../../sim/monitor/queries.js';
import { MetricStore } from '../../sim/monitor/store.js';
import type { Deployment } from '../../sim/platform/platform.js';
import { emptyRouteTable, type RouteTable } from '../../sim/router/route-table.js';
import { nullLogger } from '../../sim/util/logger.js';
import { shipped } from '../simulate/helpers.js';

const scenario = shipped('scenarios/canary-healthy.yaml');

const deployment = (version: string): Deployment =>
  ({
    version,
    instances: [{ id: `${version}-0`, version, url: 'x', routerUrl: 'x' }],
    stop: async () => undefined,
    scale: async () => undefined,
    [Symbol.asyncDispose]: async () => undefined,
  }) as unknown as Deployment;

/** A rig of stand-ins that says which of its parts the lifecycle used, in order; monitoring sees nothing. */
function fakeRig(opts: { interruptAt?: number; controller?: AbortController } = {}) {
  const clock = new VirtualClock();
  const calls: string[] = [];
  let table: RouteTable = emptyRouteTable();
  const rig: Rig<RecordsTruth> = {
    clock,
    log: nullLogger,
    deployStable: async (spec) => {
      calls.push(`deploy-stable ${spec.version}`);
      return deployment(spec.version);
    },
    routes: {
      get current() {
        return table;
      },
      update: async (edit) => {
        const draft = structuredClone(table);
        edit(draft);
        table = draft;
        calls.push(`routes ${JSON.stringify(draft.weights)}`);
        return table;
      },
    },
    drive: (task) => clock.run(task),
    parts: ({ timeline, signal }): RigParts<RecordsTruth> => {
      calls.push(`parts at ${timeline.now()}`);
      let end = scenario.traffic.duration;
      return {
        deploy: async (spec) => deployment(spec.version),
        traffic: {
          plan: 'stand-in traffic',
          stopAt: (ms) => {
            end = Math.min(end, ms);
          },
          run: async (interrupt) => {
            if (opts.interruptAt !== undefined) {
              await clock.sleep(opts.interruptAt);
              opts.controller?.abort(new Error('interrupted by SIGINT'));
            }
            while (timeline.now() < end && !interrupt.aborted) await clock.sleep(100);
            return { truth: { records: [] }, sent: 0 };
          },
        },
        monitoring: {
          queries: new Queries(new MetricStore()),
          run: (s) => clock.sleep(1e9, s).catch(() => undefined),
        },
        faults: {
          injectDue: () => undefined,
          run: (s) => clock.sleep(1e9, s).catch(() => undefined),
          settle: async () => {
            calls.push('settle');
          },
          outcomes: () => {
            calls.push(`outcomes (background stopped: ${signal.aborted})`);
            return [];
          },
          revertAll: async () => {
            calls.push('revert-all');
          },
        },
        preview: { start: () => ({ stop: async () => undefined }) },
        reconcile: async () => {
          calls.push('reconcile');
          return [];
        },
        keep: async () => {
          calls.push('keep');
        },
      };
    },
  };
  return { rig, calls };
}

describe('rehearse (the one lifecycle)', () => {
  it('runs the steps in order on any rig: stable, first table, time zero, traffic, grace, collect, judge, keep', async () => {
    const { rig, calls } = fakeRig();
    const run = await rehearse(rig, { scenario });
    expect(calls.slice(0, 3)).toEqual(['deploy-stable v1', 'routes {"v1":100,"v2":0}', 'parts at 0']);
    // Reverting runs twice: once before judging, once more in `finally` (a no-op for what is already reverted).
    expect(calls.slice(-6)).toEqual([
      'reconcile',
      'settle',
      'outcomes (background stopped: true)',
      'revert-all',
      'keep',
      'revert-all',
    ]);
    const types = run.timeline.events.map((e) => e.type);
    expect(types[0]).toBe('traffic-start');
    expect(run.timeline.first('traffic-start')?.message).toBe('stand-in traffic');
    expect(run.timeline.first('traffic-end')?.message).toBe('0 requests sent');
    // Monitoring saw nothing, so the release paused; the grace then stopped the controller.
    expect(run.controller.outcome).toBe('paused');
    const end = run.timeline.first('traffic-end')!.at;
    expect(run.timeline.now()).toBeGreaterThanOrEqual(end + STOP_GRACE_MS);
    expect(run.judgement.failedRequests).toBe(0);
    expect(run.interrupted).toBeUndefined();
  });

  it('an interrupted run skips the grace, reconciliation and settling, and says by what and when', async () => {
    const controller = new AbortController();
    const { rig, calls } = fakeRig({ interruptAt: 5000, controller });
    const run = await rehearse(rig, { scenario, signal: controller.signal });
    expect(calls).not.toContain('reconcile');
    expect(calls).not.toContain('settle');
    expect(run.interrupted).toEqual({ reason: 'interrupted by SIGINT', atMs: 5000 });
    expect(run.timeline.first('interrupted')?.at).toBe(5000);
    expect(run.timeline.now()).toBe(5000);
  });
});
