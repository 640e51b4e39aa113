import { afterEach, describe, expect, it } from 'vitest';
import { RealClock } from '../../sim/clock/real-clock.js';
import { runSuite, type SuiteOptions } from '../../sim/engine/run-suite.js';
import { createPlatform } from '../../sim/platform/index.js';
import type { Deployment, Platform } from '../../sim/platform/platform.js';
import { PlatformUnavailableError, RehearsalError } from '../../sim/util/errors.js';
import { nullLogger } from '../../sim/util/logger.js';
import type { RunReport } from '../../sim/vocabulary/report-model.js';
import { shortScenario } from '../helpers/lifecycle-scenario.js';
import { leftovers, leftoversAfter, tagChildren } from '../helpers/processes.js';
import { tempDir } from '../helpers/temp-dir.js';

type Stage =
  | 'start'
  | 'router'
  | 'deploy-stable'
  | 'deploy-candidate'
  | 'fault'
  | 'teardown'
  | 'teardown-hang';

const boom = (stage: Stage) => new Error(`injected failure: ${stage}`);

/** Instances whose `kill` fails, so that a kill fault cannot be injected. */
function unkillable(d: Deployment): Deployment {
  const instances = d.instances.map((i) => ({
    ...i,
    kill: async () => {
      throw boom('fault');
    },
  }));
  return { ...d, instances };
}

/**
 * The real local platform with one stage made to fail after the real work was done, so that whatever it started
 * must still be torn down by the engine; `at` aborts the run's signal at that stage instead (a Ctrl-C there).
 */
function failingAt(stage: Stage, interrupt?: AbortController): SuiteOptions['createPlatform'] {
  return async (name, options) => {
    const inner: Platform = await createPlatform(name, options);
    let deploys = 0;
    const fail = (s: Stage) => {
      if (s !== stage) return;
      if (!interrupt) throw boom(s);
      interrupt.abort(new RehearsalError('interrupted by SIGINT', 'run it again', 4));
    };
    const platform: Platform = {
      name: inner.name,
      adminToken: inner.adminToken,
      probe: () => inner.probe(),
      checkExternal: (versions) => inner.checkExternal(versions),
      start: async (ctx) => {
        await inner.start(ctx);
        fail('start');
      },
      startRouter: async () => {
        const r = await inner.startRouter();
        fail('router');
        return r;
      },
      deploy: async (spec) => {
        const first = deploys++ === 0;
        // An interrupt lands while the instances start: the platform sees the aborted signal.
        if (interrupt) fail(first ? 'deploy-stable' : 'deploy-candidate');
        const d = await inner.deploy(spec);
        if (!interrupt) fail(first ? 'deploy-stable' : 'deploy-candidate');
        return stage === 'fault' && !first ? unkillable(d) : d;
      },
      dispose: async () => {
        await inner.dispose();
        fail('teardown');
        if (stage === 'teardown-hang') await new Promise(() => undefined);
      },
      [Symbol.asyncDispose]: () => platform.dispose(),
    };
    return platform;
  };
}

async function rehearse(
  extra: Partial<SuiteOptions>,
  overrides: Record<string, string> = {},
): Promise<{ report: RunReport; ms: number; left: number[] }> {
  const tag = tagChildren('engine-lifecycle');
  const t0 = Date.now();
  const { report } = await runSuite([shortScenario('lifecycle', overrides)], {
    platform: 'local',
    reportsDir: tempDir('rehearsal-lifecycle-'),
    clock: new RealClock(),
    log: nullLogger,
    signal: new AbortController().signal,
    toolVersion: 'test',
    nodeVersion: process.version,
    ...extra,
  });
  return { report, ms: Date.now() - t0, left: await leftoversAfter(tag) };
}

afterEach(() => {
  delete process.env.REHEARSAL_TEST_TAG;
});

describe('a failure at any stage ends the scenario promptly with nothing left running', () => {
  it.each([
    ['start', /harness error: injected failure: start/],
    ['router', /harness error: injected failure: router/],
    ['deploy-stable', /harness error: injected failure: deploy-stable/],
  ] as const)('%s fails: a harness error, everything torn down', async (stage, reason) => {
    const { report, ms, left } = await rehearse({ createPlatform: failingAt(stage) });
    expect(report.scenarios[0]!.status).toBe('error');
    expect(report.scenarios[0]!.reason).toMatch(reason);
    expect(ms).toBeLessThan(10_000);
    expect(left).toEqual([]);
  });

  it('the candidate deploy fails: reported, everything torn down', async () => {
    const { report, ms, left } = await rehearse({ createPlatform: failingAt('deploy-candidate') });
    expect(JSON.stringify(report.scenarios[0])).toContain('injected failure: deploy-candidate');
    expect(report.scenarios[0]!.status).not.toBe('passed');
    expect(ms).toBeLessThan(15_000);
    expect(left).toEqual([]);
  });

  it('traffic cannot start (k6 missing where it was expected): a harness error, everything torn down', async () => {
    const { report, ms, left } = await rehearse({ driver: 'k6', k6Path: '/nonexistent/k6' });
    expect(report.scenarios[0]!.status).toBe('error');
    expect(report.scenarios[0]!.reason).toMatch(/k6/);
    expect(ms).toBeLessThan(10_000);
    expect(left).toEqual([]);
  });

  it('a fault cannot be injected: the scenario is not a pass, and the rest goes on and is torn down', async () => {
    const { report, ms, left } = await rehearse(
      { createPlatform: failingAt('fault') },
      { faults: 'faults:\n  - { type: kill, target: candidate, at: 0s }' },
    );
    const s = report.scenarios[0]!;
    expect(s.status).not.toBe('passed');
    expect(s.faults[0]!.detail).toMatch(/injection failed: injected failure: fault/);
    expect(ms).toBeLessThan(15_000);
    expect(left).toEqual([]);
  });

  it('teardown fails: the scenario becomes a harness error saying so, and the suite still writes its report', async () => {
    const { report, left } = await rehearse({ createPlatform: failingAt('teardown') });
    expect(report.scenarios[0]!.status).toBe('error');
    expect(report.scenarios[0]!.reason).toMatch(/teardown failed: injected failure: teardown/);
    expect(left).toEqual([]);
  });

  it('teardown hangs: given up after the bound and reported', async () => {
    const { report, ms, left } = await rehearse({
      createPlatform: failingAt('teardown-hang'),
      teardownMs: 500,
    });
    expect(report.scenarios[0]!.reason).toMatch(/teardown failed: local did not finish within 0.5 s/);
    expect(ms).toBeLessThan(12_000);
    expect(left).toEqual([]);
  });
});

describe('an interrupt at any stage ends the scenario as interrupted, promptly, with nothing left', () => {
  it.each(['router', 'deploy-stable', 'deploy-candidate'] as const)('interrupted at %s', async (stage) => {
    const abort = new AbortController();
    const { report, ms, left } = await rehearse({
      createPlatform: failingAt(stage, abort),
      signal: abort.signal,
    });
    const s = report.scenarios[0]!;
    expect(s.status).toBe('interrupted');
    expect(s.reason).toMatch(/^interrupted by SIGINT (at t=\d+\.\d s|during start-up)/);
    expect(s.reason).not.toMatch(/fell behind/);
    expect(report.interrupted).toBe(true);
    expect(report.summary.interrupted).toBe(1);
    expect(ms).toBeLessThan(8000);
    expect(left).toEqual([]);
  });
});

describe('the suite runner', () => {
  it('a scenario that throws (platform unavailable) stops the parallel ones, which are torn down before it propagates', async () => {
    const tag = tagChildren('engine-suite');
    const make: SuiteOptions['createPlatform'] = async (name, options) => {
      const inner = await createPlatform(name, options);
      return Object.assign(Object.create(inner) as Platform, {
        start: async (ctx: Parameters<Platform['start']>[0]) => {
          if (ctx.workdir.endsWith('unavailable')) {
            await new Promise((r) => setTimeout(r, 1500));
            throw new PlatformUnavailableError('local platform unavailable: injected', 'none');
          }
          await inner.start(ctx);
        },
      });
    };
    const t0 = Date.now();
    const running = runSuite([shortScenario('healthy'), shortScenario('unavailable')], {
      platform: 'local',
      reportsDir: tempDir('rehearsal-lifecycle-'),
      clock: new RealClock(),
      log: nullLogger,
      signal: new AbortController().signal,
      toolVersion: 'test',
      nodeVersion: process.version,
      parallel: 2,
      createPlatform: make,
    });
    await expect(running).rejects.toThrow(/unavailable: injected/);
    expect(Date.now() - t0).toBeLessThan(10_000);
    expect(leftovers(tag)).toEqual([]);
  });
});
