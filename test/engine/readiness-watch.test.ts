import { afterEach, describe, expect, it } from 'vitest';
import { RealClock } from '../../sim/clock/real-clock.js';
import { ReadinessWatcher } from '../../sim/engine/readiness-watch.js';
import { health } from '../../sim/faults/probes.js';
import { RouteEditor } from '../../sim/router-client/route-editor.js';
import { nullLogger } from '../../sim/util/logger.js';
import { Timeline } from '../../sim/vocabulary/timeline.js';
import { startTestRouter, startUpstream, type TestRouter, type TestUpstream } from '../router/helpers.js';

let upstreams: TestUpstream[] = [];
let router: TestRouter | undefined;
afterEach(async () => {
  await router?.close();
  await Promise.all(upstreams.map((u) => u.close()));
  upstreams = [];
});

/** An instance whose /readyz answers 200 or 503 as told, and whose other routes name it. */
async function instance(name: string) {
  const state = { ready: true, frozen: false };
  const u = await startUpstream(name, (req, res) => {
    if (req.url === '/readyz') {
      if (state.frozen) return; // never answers, like a SIGSTOPped process
      res.statusCode = state.ready ? 200 : 503;
      res.end(
        JSON.stringify({ ready: state.ready, reasons: state.ready ? [] : ['readinessFailing toggle is on'] }),
      );
      return;
    }
    res.end(name);
  });
  upstreams.push(u);
  return { url: u.url, state };
}

describe('readiness watcher (the rehearsal’s endpoints controller)', () => {
  it('takes an instance out of the router after the failure threshold and puts it back when it passes again', async () => {
    const a = await instance('a');
    const b = await instance('b');
    router = await startTestRouter();
    const editor = new RouteEditor(router.client);
    await editor.update((t) => {
      t.pools = {
        v2: [
          { id: 'v2-0', url: a.url },
          { id: 'v2-1', url: b.url },
        ],
      };
      t.weights = { v2: 100 };
    });
    const clock = new RealClock();
    const timeline = new Timeline(clock);
    const watcher = new ReadinessWatcher({
      editor,
      instances: () => [
        { version: 'v2', id: 'v2-0', url: a.url },
        { version: 'v2', id: 'v2-1', url: b.url },
      ],
      clock,
      timeline,
      log: nullLogger,
      config: { period: 50, timeout: 200, failureThreshold: 2 },
    });
    const pool = async () => (await router!.client.getRoutes()).pools.v2?.map((i) => i.id);

    b.state.ready = false;
    await watcher.round();
    expect(await pool(), 'one failed probe is below the threshold').toEqual(['v2-0', 'v2-1']);
    await watcher.round();
    expect(await pool()).toEqual(['v2-0']);
    expect(watcher.notReady).toEqual(['v2/v2-1']);
    // The harness's own table keeps the instance: the controller still owns the pool.
    expect(editor.current.pools.v2?.map((i) => i.id)).toEqual(['v2-0', 'v2-1']);
    const served = new Set<string>();
    for (let i = 0; i < 6; i++) served.add((await router.get('/x')).servedBy);
    expect([...served]).toEqual(['v2/v2-0']);
    const out = timeline.events.find((e) => e.type === 'readiness');
    expect(out?.message).toBe(
      'v2/v2-1 not ready (/readyz 503: readinessFailing toggle is on, 2 probes in a row): out of the router',
    );

    // A controller edit while b is out does not bring it back.
    await editor.update((t) => {
      t.weights = { v2: 50 };
    });
    expect(await pool()).toEqual(['v2-0']);

    b.state.ready = true;
    await watcher.round();
    expect(await pool()).toEqual(['v2-0', 'v2-1']);
    expect(timeline.events.filter((e) => e.type === 'readiness').map((e) => e.message)).toEqual([
      out!.message,
      'v2/v2-1 ready again: back in the router',
    ]);
  });

  it('treats a probe with no answer as failed, and a pool with no ready instance gets 503 from the router', async () => {
    const a = await instance('a');
    router = await startTestRouter();
    const editor = new RouteEditor(router.client);
    await editor.update((t) => {
      t.pools = { v2: [{ id: 'v2-0', url: a.url }] };
      t.weights = { v2: 100 };
    });
    const clock = new RealClock();
    const timeline = new Timeline(clock);
    const watcher = new ReadinessWatcher({
      editor,
      instances: () => [{ version: 'v2', id: 'v2-0', url: a.url }],
      clock,
      timeline,
      log: nullLogger,
      config: { period: 50, timeout: 150, failureThreshold: 1 },
    });
    a.state.frozen = true;
    const stop = new AbortController();
    const running = watcher.run(stop.signal);
    const deadline = Date.now() + 5000;
    while (watcher.notReady.length === 0 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    stop.abort();
    await running;
    expect(timeline.events[0]?.message).toBe(
      'v2/v2-0 not ready (/readyz no answer within 150 ms, 1 probes in a row): out of the router',
    );
    const reply = await router.get('/x');
    expect(reply.status).toBe(503);
    expect(reply.servedBy).toBe('v2/none');
  });

  it('forgets instances that left the route table instead of probing them', async () => {
    const a = await instance('a');
    router = await startTestRouter();
    const editor = new RouteEditor(router.client);
    await editor.update((t) => {
      t.pools = { v2: [] };
      t.weights = { v2: 0 };
    });
    a.state.ready = false;
    const timeline = new Timeline(new RealClock());
    const watcher = new ReadinessWatcher({
      editor,
      instances: () => [{ version: 'v2', id: 'v2-0', url: a.url }],
      clock: new RealClock(),
      timeline,
      log: nullLogger,
      config: { period: 50, timeout: 150, failureThreshold: 1 },
    });
    await watcher.round();
    expect(upstreams[0]!.seen.filter((s) => s.url === '/readyz')).toEqual([]);
    expect(timeline.events).toEqual([]);
  });

  it("probes an external version at its own readiness path, and its liveness at its own (not the sample judge's)", async () => {
    // An external service that answers readiness at /ready and liveness at /live only: /readyz and /healthz are 404.
    const u = await startUpstream('ext', (req, res) => {
      res.statusCode = req.url === '/ready' || req.url === '/live' ? 200 : 404;
      res.end();
    });
    upstreams.push(u);
    router = await startTestRouter();
    const editor = new RouteEditor(router.client);
    await editor.update((t) => {
      t.pools = { v2: [{ id: 'v2-0', url: u.url }] };
      t.weights = { v2: 100 };
    });
    const clock = new RealClock();
    const watch = (readinessPath?: string) =>
      new ReadinessWatcher({
        editor,
        instances: () => [
          { version: 'v2', id: 'v2-0', url: u.url, ...(readinessPath ? { readinessPath } : {}) },
        ],
        clock,
        timeline: new Timeline(clock),
        log: nullLogger,
        config: { period: 50, timeout: 500, failureThreshold: 1 },
      });
    const own = watch('/ready');
    await own.round();
    expect(own.notReady).toEqual([]);
    // The same instance probed at the sample judge's path would be taken out: the path is what kept it in.
    const sample = watch();
    await sample.round();
    expect(sample.notReady).toEqual(['v2/v2-0']);
    expect(await health({ url: u.url, livenessPath: '/live' })).toBe('up');
    expect(await health({ url: u.url })).toBe('error');
  });
});
