import { AnalysisRun } from '../../sim/analysis/analysis-run.js';
import type { Check } from '../../sim/analysis/check.js';
import { analysisSchema } from '../../sim/analysis/config.js';
import { WeightHistory } from '../../sim/analysis/weight-history.js';
import { VirtualClock } from '../../sim/clock/virtual-clock.js';
import type { Deployment, DeploySpec, Instance } from '../../sim/platform/platform.js';
import type { Action } from '../../sim/release/actions.js';
import { type ControllerResult, ReleaseController } from '../../sim/release/controller.js';
import type { RouteTable } from '../../sim/router/route-table.js';
import type { RouterClient } from '../../sim/router-client/client.js';
import { RouteEditor } from '../../sim/router-client/route-editor.js';
import { nullLogger } from '../../sim/util/logger.js';
import type { Measurement, Phase } from '../../sim/vocabulary/measurement.js';
import { Timeline } from '../../sim/vocabulary/timeline.js';

/** A router that records every table it is given, with the virtual time. */
export class FakeRouter {
  readonly tables: { at: number; table: RouteTable }[] = [];
  constructor(private readonly clock: VirtualClock) {}
  client(): RouterClient {
    return {
      putRoutes: async (t: RouteTable) => {
        this.tables.push({ at: this.clock.now(), table: structuredClone(t) });
        return t;
      },
    } as unknown as RouterClient;
  }
  get last(): RouteTable {
    return this.tables.at(-1)!.table;
  }
}

/** A platform whose instances are plain objects; deploys take `startMs` of virtual time, or fail, or hang. */
export class FakePlatform {
  readonly log: string[] = [];
  private n = new Map<string, number>();
  behaviour: (spec: DeploySpec) => 'ok' | 'fail' | 'hang' = () => 'ok';
  constructor(
    private readonly clock: VirtualClock,
    private readonly startMs = 500,
  ) {}

  deploy = async (spec: DeploySpec): Promise<Deployment> => {
    const instances = await this.start(spec, spec.replicas);
    const d: Deployment = {
      version: spec.version,
      instances,
      stop: async () => {
        this.log.push(`${this.clock.now()} stop ${spec.version} (${instances.map((i) => i.id).join(',')})`);
        instances.splice(0);
      },
      scale: async (replicas: number) => {
        if (replicas > instances.length)
          instances.push(...(await this.start(spec, replicas - instances.length)));
        else {
          const gone = instances.splice(replicas);
          this.log.push(`${this.clock.now()} scale-down ${gone.map((i) => i.id).join(',')}`);
        }
      },
      [Symbol.asyncDispose]: async () => undefined,
    };
    return d;
  };

  private async start(spec: DeploySpec, count: number): Promise<Instance[]> {
    const how = this.behaviour(spec);
    await this.clock.sleep(this.startMs);
    if (how === 'fail') throw new Error(`${spec.version} failed its readiness check`);
    if (how === 'hang') await new Promise(() => undefined);
    return Array.from({ length: count }, () => {
      const k = this.n.get(spec.version) ?? 0;
      this.n.set(spec.version, k + 1);
      const id = `${spec.version}-${k}`;
      this.log.push(`${this.clock.now()} start ${id}`);
      return {
        id,
        version: spec.version,
        url: `http://${id}`,
        routerUrl: `http://${id}`,
        kill: async () => undefined,
        pause: async () => undefined,
        resume: async () => undefined,
      };
    });
  }
}

/** A check whose phase is a function of time: real counting logic, scripted monitoring. */
export function scriptedCheck(
  name: string,
  phaseAt: (t: number) => Phase,
  limits: Check['limits'] = { failureLimit: 0 },
): Check {
  return {
    name,
    limits,
    measure: (now): Measurement => ({
      check: name,
      at: now,
      phase: phaseAt(now),
      message: `${name} at ${now}`,
    }),
  };
}

/** Everything a controller test needs, on a virtual clock. */
export async function harness(
  opts: {
    checks?: Check[];
    stableReplicas?: number;
    baseline?: string;
    analysis?: Record<string, unknown>;
  } = {},
) {
  const clock = new VirtualClock();
  const router = new FakeRouter(clock);
  const platform = new FakePlatform(clock);
  const stable = await clock.run(platform.deploy({ version: 'v1', replicas: opts.stableReplicas ?? 2 }));
  const timeline = new Timeline(clock);
  const weights = new WeightHistory();
  const editor = new RouteEditor(router.client());
  const analysisConfig = analysisSchema.parse({ interval: '1s', ...opts.analysis });
  const controller = (checks = opts.checks ?? [scriptedCheck('ok', () => 'successful')]) =>
    new ReleaseController({
      clock,
      log: nullLogger,
      platform,
      router: editor,
      timeline,
      analysis: new AnalysisRun(checks),
      analysisConfig,
      versions: { stable: 'v1', candidate: 'v2', baseline: opts.baseline },
      stable,
      weights,
      drainMs: 500,
      lastServedAt: () => 1234,
    });
  const run = (plan: Action[], checks?: Check[]): Promise<ControllerResult> =>
    clock.run(controller(checks).run(plan, new AbortController().signal));
  const at = (type: string) => timeline.events.find((e) => e.type === type)?.at;
  return { clock, router, platform, stable, timeline, weights, run, at };
}
