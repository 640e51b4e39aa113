import { mkdirSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AnalysisRun } from '../analysis/analysis-run.js';
import { createCheck } from '../analysis/checks.js';
import { WeightHistory } from '../analysis/weight-history.js';
import type { Clock } from '../clock/clock.js';
import { Queries } from '../monitor/queries.js';
import { Scraper } from '../monitor/scraper.js';
import { monitoringSeries } from '../monitor/series.js';
import { MetricStore } from '../monitor/store.js';
import { createPlatform, type PlatformOptions } from '../platform/index.js';
import type { Deployment, DeploySpec, Platform } from '../platform/platform.js';
import { ReleaseController } from '../release/controller.js';
import { HttpPreviewTraffic, type PreviewRequest } from '../release/preview.js';
import { baselinePool, planStrategy } from '../release/strategies/index.js';
import { Timeline, type TimelineEvent } from '../release/timeline.js';
import type { ScenarioReport } from '../report/model.js';
import { chartThresholds, userSeries } from '../report/series.js';
import { RouterClient } from '../router-client/client.js';
import { RouteEditor } from '../router-client/route-editor.js';
import type { LoadedScenario } from '../scenario/load.js';
import { BuiltinDriver } from '../traffic/builtin-driver.js';
import { type Corpus, loadCorpus } from '../traffic/corpus.js';
import type { DriverName, TrafficDriver } from '../traffic/driver.js';
import { TrafficGenerator } from '../traffic/generator.js';
import { K6Driver } from '../traffic/k6/k6-driver.js';
import { installHint } from '../traffic/k6/runner.js';
import { reconcile } from '../traffic/reconcile.js';
import type { RequestRecord } from '../traffic/record.js';
import { planTraffic } from '../traffic/schedule.js';
import { makeUsers } from '../traffic/users.js';
import { ExitCode, messageOf, RehearsalError } from '../util/errors.js';
import type { Logger } from '../util/logger.js';
import { paths } from '../util/paths.js';
import { trafficDistortion } from '../verdict/distortion.js';
import { judge } from '../verdict/judge.js';
import { errorReport } from './error-report.js';
import { FaultScheduler } from './fault-scheduler.js';
import { interruptedReport, reasonOf } from './interruption.js';
import { ReadinessWatcher } from './readiness-watch.js';
import { tearDown, withTeardownProblem } from './teardown.js';

/** What a scenario run needs from its caller. */
export interface ScenarioEnv {
  runId: string;
  runDir: string;
  platform: string;
  clock: Clock;
  log: Logger;
  signal: AbortSignal;
  onEvent?: (scenario: string, e: TimelineEvent) => void;
  onRecord?: (scenario: string, r: RequestRecord) => void;
  /** Overrides every scenario's `traffic.driver` (`rehearse run --driver`). */
  driver?: DriverName;
  /** The k6 executable, found by the caller's probe; a scenario driven by k6 needs it. */
  k6Path?: string;
  /** Cluster options (`--cluster`, `--kubeconfig`, `--context`) for platforms that take them. */
  platformOptions?: PlatformOptions;
  /** Makes the scenario's platform (default: the registry's {@link createPlatform}); tests wrap it to inject failures. */
  createPlatform?: (name: string, options?: PlatformOptions) => Platform;
  /** How long tearing the platform down may take before the scenario gives up on it (default 60 s). */
  teardownMs?: number;
}

/** Rehearses one scenario end to end on a platform and judges it. Everything it started is stopped before it returns. */
export async function rehearseScenario(loaded: LoadedScenario, env: ScenarioEnv): Promise<ScenarioReport> {
  const { scenario } = loaded;
  const started = env.clock.now();
  const workdir = join(env.runDir, scenario.name);
  mkdirSync(workdir, { recursive: true });
  if ((env.driver ?? scenario.traffic.driver) === 'k6' && !env.k6Path) {
    throw new RehearsalError(
      `${scenario.name}: traffic driver k6 unavailable: k6 not found on PATH`,
      installHint,
      ExitCode.platformUnavailable,
    );
  }
  const platform = (env.createPlatform ?? createPlatform)(
    scenario.platform ?? env.platform,
    env.platformOptions,
  );
  let report: ScenarioReport;
  try {
    await platform.start({ runId: env.runId, workdir, log: env.log, signal: env.signal });
    report = withPlatformInfo(await rehearse(loaded, env, platform, workdir), platform);
  } catch (error) {
    if (error instanceof RehearsalError && error.exitCode === 3 && !env.signal.aborted) {
      await tearDown(platform, env.teardownMs).catch(() => undefined);
      throw error;
    }
    const failed = errorReport(loaded, error, env.clock.now() - started);
    if (env.signal.aborted) {
      report = interruptedReport(failed, reasonOf(env.signal.reason), {
        phase: 'start-up',
        afterMs: env.clock.now() - started,
      });
    } else {
      env.log.warn(`${scenario.name}: harness error: ${messageOf(error)}`);
      report = failed;
    }
    report = withPlatformInfo(report, platform);
  }
  // A teardown that fails or hangs is the harness's problem: it is reported, and the suite goes on.
  const problem = await tearDown(platform, env.teardownMs).then(
    () => undefined,
    (error: unknown) => messageOf(error),
  );
  if (problem !== undefined) env.log.warn(`${scenario.name}: teardown failed: ${problem}`);
  return problem === undefined ? report : withTeardownProblem(report, problem);
}

async function rehearse(
  loaded: LoadedScenario,
  env: ScenarioEnv,
  platform: Platform,
  workdir: string,
): Promise<ScenarioReport> {
  const { scenario, file } = loaded;
  const { clock, log } = env;
  const versions = { stable: scenario.service.stable, candidate: scenario.service.candidate };
  const endpoint = await platform.startRouter();
  const router = new RouteEditor(new RouterClient(endpoint.adminUrl, endpoint.token));
  const specFor = (version: string) => ({
    toggles: scenario.service.toggles?.[version] ?? {},
    ...(scenario.service.workers ? { workers: scenario.service.workers } : {}),
  });
  const stable = await platform.deploy({
    ...specFor(versions.stable),
    version: versions.stable,
    replicas: scenario.service.replicas,
  });
  const deployments = new Map<string, Deployment>([[versions.stable, stable]]);
  await router.update((t) => {
    t.pools = {
      [versions.stable]: stable.instances.map((i) => ({ id: i.id, url: i.routerUrl })),
      [versions.candidate]: [],
    };
    t.weights = { [versions.stable]: 100, [versions.candidate]: 0 };
  });

  const corpus = loadCorpus(paths.problems);
  const schedule = planTraffic(
    scenario.traffic,
    scenario.seed,
    makeUsers(scenario.traffic.users, scenario.seed),
    corpus,
  );
  const timeline = new Timeline(clock, (e) => env.onEvent?.(scenario.name, e));
  const store = new MetricStore();
  const queries = new Queries(store);
  const scraper = new Scraper(
    store,
    () => [
      { url: `${endpoint.adminUrl}/metrics`, labels: { job: 'router' } },
      ...[...deployments.values()].flatMap((d) =>
        d.instances.map((i) => ({
          url: `${i.url}/metrics`,
          labels: { job: 'judge', version: i.version, instance: i.id },
        })),
      ),
    ],
    { now: () => timeline.now(), sleep: (ms, s) => clock.sleep(ms, s) },
    scenario.monitoring.scrapeInterval,
    log,
  );
  const background = new AbortController();
  const faults = new FaultScheduler(scenario.faults, versions, deployments, {
    clock,
    log,
    timeline,
    router,
    scraper,
    serviceToken: platform.adminToken,
    signal: background.signal,
  });
  const deployCandidate = async (spec: DeploySpec): Promise<Deployment> => {
    const toggles = {
      ...(scenario.service.toggles?.[spec.version] ?? {}),
      ...faults.startToggles(spec.version),
    };
    try {
      const d = await platform.deploy({
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
  const analysisConfig = scenario.strategy.analysis;
  const weights = new WeightHistory();
  const checkVersions = { ...versions, baseline: baselinePool(scenario.strategy, versions.stable) };
  const defaults = { windowMs: analysisConfig.window, noData: analysisConfig.noData };
  const checks = analysisConfig.checks.map((c) =>
    createCheck(c, { queries, versions: checkVersions, weights, defaults }),
  );
  const analysis = new AnalysisRun(checks);
  const preview = new HttpPreviewTraffic(
    endpoint.url,
    clock,
    scenario.strategy.type === 'blue-green' ? scenario.strategy.preview.rate : 10,
    previewRequests(corpus),
  );
  const controller = new ReleaseController({
    clock,
    log,
    watchUntil: scenario.traffic.duration,
    platform: { deploy: deployCandidate },
    router,
    timeline,
    analysis,
    analysisConfig,
    versions: checkVersions,
    stable,
    weights,
    preview,
    lastServedAt: (v) => queries.lastServedAt(v),
    specFor,
    afterDeploy: async (d) => {
      deployments.set(d.version, d);
      await faults.injectDue();
    },
  });
  const onRecord = (r: RequestRecord) => env.onRecord?.(scenario.name, r);
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
          }),
        );

  const probeConfig = scenario.service.readinessProbe;
  const readiness = probeConfig
    ? new ReadinessWatcher({
        editor: router,
        instances: () => [...deployments.values()].flatMap((d) => d.instances),
        clock,
        timeline,
        log,
        config: probeConfig,
      })
    : undefined;
  const stopController = new AbortController();
  const onAbort = () => {
    timeline.add('interrupted', reasonOf(env.signal.reason));
    stopController.abort();
  };
  if (env.signal.aborted) onAbort();
  else env.signal.addEventListener('abort', onAbort, { once: true });
  const plan = planStrategy(scenario.strategy, {
    version: versions.candidate,
    replicas: scenario.service.replicas,
  });
  try {
    timeline.add(
      'traffic-start',
      `${schedule.length} requests planned over ${scenario.traffic.duration / 1000}s (driver ${driver.name})`,
    );
    const scraping = scraper.run(background.signal);
    const faulting = faults.run(background.signal);
    const probing = readiness?.run(background.signal);
    const releasing = controller.run(plan, stopController.signal);
    releasing.then(
      () => driver.stopAt(timeline.now() + scenario.traffic.settle),
      () => undefined,
    );
    const { records, stats } = await driver.run(env.signal);
    timeline.add(
      'traffic-end',
      `${stats.sent} requests sent${stats.thresholdsFailed ? '; k6 thresholds failed (exit 99)' : ''}`,
    );
    // Interrupted: no grace, no reconciliation, no waiting for verifications; what was measured is kept.
    const stopped = () => env.signal.aborted;
    const grace = clock
      .sleep(stopped() ? 0 : 3000, background.signal)
      .then(() => stopController.abort())
      .catch(() => undefined);
    const result = await releasing.catch((error: unknown) => {
      timeline.add('error', `controller failed: ${messageOf(error)}`);
      throw error;
    });
    background.abort();
    await Promise.all([scraping, faulting, probing, grace]);
    const reconciliation = stopped() ? { lost: [] } : await reconcile(records, endpoint.url, clock);
    if (!stopped()) await faults.settle();
    // Preview smoke and shadow (mirrored) answers count as evidence too: neither reaches a user.
    const faultOutcomes = faults.outcomes(
      records,
      (v, m) => preview.marked(v, m) + queries.mirrorFaultMarks(v, m, timeline.now()),
    );
    await faults.revertAll();
    const judgement = judge({
      scenario,
      controller: result,
      events: timeline.events,
      records,
      lost: reconciliation.lost,
      faults: faultOutcomes,
    });
    await writeFile(join(workdir, 'requests.jsonl'), records.map((r) => JSON.stringify(r)).join('\n'));
    const distortion = stopped() ? null : trafficDistortion(stats);
    if (distortion) log.warn(`${scenario.name}: measured under distortion: ${distortion}`);
    const durationMs = Math.min(scenario.traffic.duration, timeline.now());
    const report: ScenarioReport = {
      name: scenario.name,
      file,
      description: scenario.description,
      seed: scenario.seed,
      strategy: scenario.strategy.type,
      faults: faultOutcomes,
      versions,
      passed: judgement.passed,
      status: judgement.passed ? 'passed' : 'failure',
      classification: judgement.classification,
      reason: distortion
        ? `${judgement.reason} (measured under distortion: ${distortion})`
        : judgement.reason,
      measuredUnderDistortion: distortion !== null,
      expected: { outcome: scenario.expect.outcome },
      observed: {
        outcome: result.outcome,
        reason: result.reason,
        ...pick(judgement, [
          'timeToDetectMs',
          'timeToDecisionMs',
          'timeToRollbackMs',
          'lastCandidateRequestMs',
        ]),
        failedRequests: judgement.failedRequests,
        wrongVerdicts: judgement.wrongVerdicts,
        lostSubmissions: judgement.lostSubmissions,
        stableFailures: judgement.stableFailures,
        ...(judgement.rollback ? { rollback: judgement.rollback } : {}),
        ...(result.warnings.length > 0 ? { warnings: result.warnings } : {}),
      },
      expectations: judgement.expectations,
      blastRadius: judgement.blastRadius,
      traffic: { ...stats, distorted: distortion !== null, ...(distortion ? { distortion } : {}) },
      measurements: result.measurements,
      timeline: timeline.events,
      series: {
        ...userSeries(records, timeline.events, versions.candidate, durationMs),
        monitoring: monitoringSeries(
          queries,
          [versions.stable, versions.candidate],
          durationMs,
          1000,
          analysisConfig.window,
        ),
        thresholds: chartThresholds(analysisConfig.checks, versions),
      },
      durationMs: clock.now() - timeline.t0,
      analysisIntervalMs: analysisConfig.interval,
    };
    if (!stopped()) return report;
    const at = timeline.first('interrupted')?.at ?? timeline.now();
    return interruptedReport(report, reasonOf(env.signal.reason), { phase: 'traffic', atMs: at });
  } finally {
    env.signal.removeEventListener('abort', onAbort);
    background.abort();
    stopController.abort();
    await faults.revertAll();
  }
}

function withPlatformInfo(report: ScenarioReport, platform: Platform): ScenarioReport {
  const info = platform.describe?.();
  return info && Object.keys(info).length > 0 ? { ...report, platformInfo: info } : report;
}

/** Smoke requests for a blue-green preview: accepted solutions and leaderboard reads, not user traffic. */
function previewRequests(corpus: Corpus): PreviewRequest[] {
  const accepted = corpus.byVerdict.get('accepted') ?? [];
  const out: PreviewRequest[] = accepted.slice(0, 4).map((sol) => ({
    method: 'POST',
    path: '/submissions?wait=true',
    body: JSON.stringify({
      problem_id: sol.problemId,
      source_code: sol.source,
      language_id: 63,
      user_id: 'preview-smoke',
    }),
  }));
  out.push({ method: 'GET', path: '/leaderboard' });
  return out;
}

function pick<T extends object, K extends keyof T>(obj: T, keys: K[]): Partial<Pick<T, K>> {
  const out: Partial<Pick<T, K>> = {};
  for (const k of keys) if (obj[k] !== undefined) out[k] = obj[k];
  return out;
}
