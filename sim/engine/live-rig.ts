import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Clock } from '../clock/clock.js';
import { PrometheusApi, PrometheusSource } from '../monitor/prometheus.js';
import { Queries } from '../monitor/queries.js';
import { Scraper } from '../monitor/scraper.js';
import { serviceMetricsPath, serviceNaming } from '../monitor/service-metrics.js';
import { MetricStore } from '../monitor/store.js';
import { externalVersions } from '../platform/external.js';
import type { Deployment, DeploySpec, Platform, RouterEndpoint } from '../platform/platform.js';
import { HttpPreviewTraffic, type PreviewRequest } from '../release/preview.js';
import { RouterClient } from '../router-client/client.js';
import { RouteEditor } from '../router-client/route-editor.js';
import type { LoadedScenario } from '../scenario/load.js';
import { BuiltinDriver } from '../traffic/builtin-driver.js';
import { type Corpus, loadCorpus } from '../traffic/corpus.js';
import type { TrafficDriver } from '../traffic/driver.js';
import { TrafficGenerator } from '../traffic/generator.js';
import { judge0Body, judge0SubmitPath } from '../traffic/judge0.js';
import { K6Driver } from '../traffic/k6/k6-driver.js';
import { reconcile } from '../traffic/reconcile.js';
import type { RequestRecord } from '../traffic/record.js';
import { planTraffic } from '../traffic/schedule.js';
import { makeUsers } from '../traffic/users.js';
import { messageOf, RehearsalError } from '../util/errors.js';
import type { Logger } from '../util/logger.js';
import { paths } from '../util/paths.js';
import type { TrafficApi } from '../vocabulary/traffic-apis.js';
import type { DriverName } from '../vocabulary/traffic-drivers.js';
import { FaultScheduler } from './fault-scheduler.js';
import { ReadinessWatcher } from './readiness-watch.js';
import type { Rig, RigContext, RigParts, TrafficSource } from './rig.js';

/** A live run's ground truth: every request, as its user experienced it. */
export type RecordsTruth = { records: RequestRecord[] };

/** What the live rig needs besides the platform. */
export interface LiveRigEnv {
  clock: Clock;
  log: Logger;
  /** Each request as it completes (the live progress line). */
  onRecord?: (r: RequestRecord) => void;
  /** Overrides the scenario's `traffic.driver` (`rehearse run --driver`). */
  driver?: DriverName;
  /** The k6 executable; a scenario driven by k6 needs it. */
  k6Path?: string;
  /**
   * The Prometheus the checks read (monitoring.source prometheus): the one the harness started for this run,
   * with the file_sd file it watches, or the scenario's `monitoring.url` (no file: it scrapes on its own).
   */
  prometheus?: { url: string; targetsFile?: string | undefined };
}

/**
 * The rig of a live rehearsal on a started platform: the router it starts (its client and route editor), the
 * seeded traffic plan, and, on the timeline, the scraper, fault scheduler, preview smoke, traffic driver
 * (built-in or k6), readiness watcher and reconciliation. It only builds adapters.
 */
export async function liveRig(
  loaded: LoadedScenario,
  platform: Platform,
  workdir: string,
  env: LiveRigEnv,
): Promise<Rig<RecordsTruth>> {
  const { scenario } = loaded;
  const { clock, log } = env;
  const external = new Map(externalVersions(loaded).map((v) => [v.version, v.start]));
  // A baseline pool (`<stable>-baseline`) runs stable's build.
  const startOf = (version: string) =>
    external.get(version) ?? external.get(version.replace(/-baseline$/, ''));
  if (scenario.service.kind === 'external' && external.size === 0)
    throw new RehearsalError(`${loaded.file}: service.kind external without service.versions`, 'validate it');
  const deployOn = (spec: DeploySpec) => {
    const start = startOf(spec.version);
    return platform.deploy(start ? { ...spec, external: start } : spec);
  };
  const endpoint = await platform.startRouter();
  const router = new RouteEditor(new RouterClient(endpoint.adminUrl, endpoint.token));
  // Planned before time zero, so that planning is not charged to the first requests as send lag.
  const corpus = loadCorpus(paths.problems);
  const schedule = planTraffic(
    scenario.traffic,
    scenario.seed,
    makeUsers(scenario.traffic.users, scenario.seed),
    corpus,
  );
  const parts = (ctx: RigContext): RigParts<RecordsTruth> => {
    const { timeline, deployments } = ctx;
    const versions = { stable: scenario.service.stable, candidate: scenario.service.candidate };
    const targets = () =>
      scrapeTargets(endpoint, deployments, (version) => serviceMetricsPath(scenario.service, version));
    const store = new MetricStore();
    const queries = new Queries(store, serviceNaming(scenario.service.metricNames));
    const scraper = new Scraper(
      store,
      () => targets(),
      { now: () => timeline.now(), sleep: (ms, s) => clock.sleep(ms, s) },
      scenario.monitoring.scrapeInterval,
      log,
    );
    const prom = env.prometheus;
    const prometheus = prom
      ? new PrometheusSource({
          api: new PrometheusApi(prom.url),
          targetsFile: prom.targetsFile,
          targets,
          clock: { now: () => timeline.now(), sleep: (ms, s) => clock.sleep(ms, s) },
          intervalMs: scenario.monitoring.scrapeInterval,
          log,
        })
      : undefined;
    const faults = new FaultScheduler(scenario.faults, versions, deployments, {
      clock,
      log,
      timeline,
      router,
      // The monitoring faults act on what the controller reads: the Prometheus when it is the source.
      scraper: prometheus ?? scraper,
      serviceToken: platform.adminToken,
      noToggles: scenario.service.kind === 'external',
      signal: ctx.signal,
    });
    // A start-time fault (crash-on-start) goes in with the version's toggles and is verified by how the deploy went.
    const deploy = async (spec: DeploySpec): Promise<Deployment> => {
      const toggles = {
        ...(scenario.service.toggles?.[spec.version] ?? {}),
        ...faults.startToggles(spec.version),
      };
      try {
        const d = await deployOn({
          ...spec,
          toggles,
          ...(scenario.service.workers ? { workers: scenario.service.workers } : {}),
        });
        faults.deployed(spec.version, { deployment: d });
        return d;
      } catch (error) {
        faults.deployed(spec.version, { error: messageOf(error) });
        throw error;
      }
    };
    const preview = new HttpPreviewTraffic(
      endpoint.url,
      clock,
      ctx.previewRate,
      previewRequests(corpus, scenario.traffic.api),
    );
    const onRecord = (r: RequestRecord) => env.onRecord?.(r);
    const driver: TrafficDriver =
      (env.driver ?? scenario.traffic.driver) === 'k6'
        ? new K6Driver({
            k6: env.k6Path!,
            loaded,
            schedule,
            workdir,
            target: endpoint.url,
            clock,
            t0: timeline.t0,
            log,
            onRecord,
          })
        : new BuiltinDriver(
            new TrafficGenerator(schedule, {
              target: endpoint.url,
              clock,
              timeoutMs: scenario.traffic.timeout,
              seed: scenario.seed,
              durationMs: scenario.traffic.duration,
              t0: timeline.t0,
              onRecord,
              api: scenario.traffic.api,
              ...(scenario.traffic.judge0
                ? {
                    judge0: {
                      wait: scenario.traffic.judge0.wait,
                      pollIntervalMs: scenario.traffic.judge0.pollInterval,
                    },
                  }
                : {}),
            }),
          );
    const probeConfig = scenario.service.readinessProbe;
    return {
      deploy,
      traffic: driverTraffic(
        driver,
        `${schedule.length} requests planned over ${scenario.traffic.duration / 1000}s (driver ${driver.name})`,
      ),
      monitoring: {
        queries,
        run: async (signal) => {
          await Promise.all([scraper.run(signal), prometheus?.run(signal)]);
        },
        ...(prometheus
          ? {
              prometheus: {
                source: prometheus,
                intervalMs: scenario.strategy.analysis.interval,
                minRangeMs: 3 * scenario.monitoring.scrapeInterval,
              },
            }
          : {}),
      },
      faults: {
        injectDue: () => faults.injectDue(),
        run: (signal) => faults.run(signal),
        settle: () => faults.settle(),
        // Preview smoke and shadow (mirrored) answers count as evidence too: neither reaches a user.
        outcomes: ({ records }) =>
          faults.outcomes(
            records,
            (v, m) => preview.marked(v, m) + queries.mirrorFaultMarks(v, m, timeline.now()),
          ),
        revertAll: () => faults.revertAll(),
      },
      preview,
      readiness: probeConfig
        ? new ReadinessWatcher({
            editor: router,
            instances: () => [...deployments.values()].flatMap((d) => d.instances),
            clock,
            timeline,
            log,
            config: probeConfig,
          })
        : undefined,
      reconcile: async ({ records }) =>
        (await reconcile(records, endpoint.url, clock, undefined, scenario.traffic.api)).lost,
      keep: ({ records }) =>
        writeFile(join(workdir, 'requests.jsonl'), records.map((r) => JSON.stringify(r)).join('\n')),
    };
  };
  return {
    clock,
    log,
    deployStable: deployOn,
    routes: router,
    parts,
    watchUntil: scenario.traffic.duration,
  };
}

/** A traffic driver (built-in or k6) as the lifecycle's traffic source. */
function driverTraffic(driver: TrafficDriver, plan: string): TrafficSource<RecordsTruth> {
  return {
    plan,
    stopAt: (ms) => driver.stopAt(ms),
    run: async (signal) => {
      const { records, stats } = await driver.run(signal);
      return { truth: { records }, sent: stats.sent, stats };
    },
  };
}

/**
 * The router and every instance deployed so far, labelled as monitoring knows them; an instance at its version's
 * metrics path, and none for a version without one (an external service that exposes no metrics).
 */
function scrapeTargets(
  endpoint: RouterEndpoint,
  deployments: ReadonlyMap<string, Deployment>,
  metricsPath: (version: string) => string | undefined,
) {
  return [
    { url: `${endpoint.adminUrl}/metrics`, labels: { job: 'router' } },
    ...[...deployments.values()].flatMap((d) =>
      (metricsPath(d.version) === undefined ? [] : d.instances).map((i) => ({
        url: `${i.url}${metricsPath(i.version)}`,
        labels: { job: 'judge', version: i.version, instance: i.id },
      })),
    ),
  ];
}

/**
 * Smoke requests for a blue-green preview: accepted solutions (as Judge0 programs for judge0 traffic) and
 * leaderboard reads, not user traffic.
 */
function previewRequests(corpus: Corpus, api: TrafficApi): PreviewRequest[] {
  const accepted = (corpus.byVerdict.get('accepted') ?? []).filter((s) => api !== 'judge0' || s.program);
  const out: PreviewRequest[] = accepted.slice(0, 4).map((sol) =>
    api === 'judge0' && sol.program
      ? { method: 'POST', path: judge0SubmitPath(true), body: judge0Body(sol.program) }
      : {
          method: 'POST',
          path: '/submissions?wait=true',
          body: JSON.stringify({
            problem_id: sol.problemId,
            source_code: sol.source,
            language_id: 63,
            user_id: 'preview-smoke',
          }),
        },
  );
  out.push({ method: 'GET', path: '/leaderboard' });
  return out;
}
