import { createServer, type Server } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RealClock } from '../../sim/clock/real-clock.js';
import { routerMetrics } from '../../sim/monitor/metric-names.js';
import { parsePromText } from '../../sim/monitor/prom-text.js';
import { PrometheusApi, PrometheusSource } from '../../sim/monitor/prometheus.js';
import {
  findPrometheus,
  type PrometheusServer,
  startPrometheus,
} from '../../sim/monitor/prometheus-server.js';
import { promQLFor, renderPromQL } from '../../sim/monitor/promql.js';
import { Queries } from '../../sim/monitor/queries.js';
import {
  SAMPLE_NAMING,
  serviceMetricNamesSchema,
  serviceMetricsPath,
  serviceNaming,
} from '../../sim/monitor/service-metrics.js';
import { MetricStore } from '../../sim/monitor/store.js';
import { parseScenario } from '../../sim/scenario/load.js';
import { nullLogger } from '../../sim/util/logger.js';
import { scenarioYaml } from '../helpers/scenario-text.js';

// A service of our own naming: verdicts in grader_results_total{outcome="AC"|"WA",task}, requests in
// api_requests_total{path,verb,code}, the queue in grader_backlog. Per second: 6 AC and 4 WA; the router flipped
// 1 accepted submission to wrong-answer; 9 submissions answered 201 and 1 answered 500.
const mapping = serviceMetricNamesSchema.parse({
  submissionsJudged: {
    name: 'grader_results_total',
    labels: { verdict: 'outcome', problem: 'task' },
    values: { accepted: 'AC' },
  },
  httpRequests: {
    name: 'api_requests_total',
    labels: { route: 'path', method: 'verb', status: 'code' },
    values: { route: '/api/submit' },
  },
  queueDepth: { name: 'grader_backlog' },
});
const naming = serviceNaming(mapping);

function serviceText(s: number): string {
  return [
    `grader_results_total{outcome="AC",task="sum"} ${6 * s}`,
    `grader_results_total{outcome="WA",task="sum"} ${4 * s}`,
    `api_requests_total{path="/api/submit",verb="POST",code="201"} ${9 * s}`,
    `api_requests_total{path="/api/submit",verb="POST",code="500"} ${1 * s}`,
    `api_requests_total{path="/api/status",verb="GET",code="200"} ${50 * s}`,
    'grader_backlog 7',
    '',
  ].join('\n');
}
function routerText(s: number): string {
  return [
    `${routerMetrics.rewrittenVerdicts}{version="v2",verdict="accepted"} 0`,
    `${routerMetrics.rewrittenVerdicts}{version="v2",verdict="wrong-answer"} ${1 * s}`,
    '',
  ].join('\n');
}
const judgeLabels = { job: 'judge', version: 'v2', instance: 'v2-0' };
const withLabels = (text: string, labels: Record<string, string>) =>
  parsePromText(text).map((x) => ({ ...x, labels: { ...x.labels, ...labels } }));

describe('service metric names mapped for the built-in store', () => {
  const store = new MetricStore();
  for (const s of [0, 10]) {
    store.add(s * 1000, [
      ...withLabels(serviceText(s), judgeLabels),
      ...withLabels(routerText(s), { job: 'router' }),
    ]);
  }

  it('reads the mapped names, labels and values, with the router-flipped verdicts counted as users saw them', () => {
    const q = new Queries(store, naming);
    expect(q.metric('acceptance_rate', 'v2', 0, 10_000)).toEqual({ value: 0.5, requests: 100 });
    expect(q.rejectedVerdictCounts('v2', 0, 10_000)).toEqual({ errors: 50, requests: 100 });
    expect(q.metric('submission_success_rate', 'v2', 0, 10_000)).toEqual({ value: 0.9, requests: 100 });
    expect(q.metric('judge_queue_depth', 'v2', 10_000, 10_000)).toEqual({ value: 7, requests: 1 });
    expect(q.rejectedVerdictCountsByProblem('v2', 0, 10_000).get('sum')).toEqual({
      errors: 40,
      requests: 100,
    });
  });

  it('without the mapping there is no data: the sample names are not there', () => {
    const q = new Queries(store);
    expect(q.naming).toBe(SAMPLE_NAMING);
    expect(q.metric('acceptance_rate', 'v2', 0, 10_000)).toBeUndefined();
    expect(q.metric('submission_success_rate', 'v2', 0, 10_000)).toBeUndefined();
  });

  it('writes the default PromQL over the mapped names, escaping values', () => {
    const q = promQLFor(naming);
    expect(q.acceptance_rate.value).toContain(
      'grader_results_total{job="judge",version="{{version}}",outcome="AC"}',
    );
    expect(q.acceptance_rate.value).toContain(`${routerMetrics.rewrittenVerdicts}{job="router"`);
    expect(q.submission_success_rate.value).toContain('path="/api/submit",verb="POST",code=~"2.."');
    expect(q.judge_queue_depth.value).toBe('max(grader_backlog{job="judge",version="{{version}}"})');
    // Unmapped ones keep the sample's names.
    expect(q.memory_rss_mb.value).toContain(SAMPLE_NAMING.residentMemory);
    const odd = promQLFor(
      serviceNaming(
        serviceMetricNamesSchema.parse({
          submissionsJudged: { name: 'x_total', values: { accepted: 'say "yes"' } },
        }),
      ),
    );
    expect(odd.acceptance_rate.value).toContain('verdict="say \\"yes\\""');
  });
});

const binary = findPrometheus();

/** The same service and router, scraped by a real Prometheus: the mapped default PromQL answers the same. */
describe.skipIf(!binary)('service metric names mapped for a real Prometheus', () => {
  let server: Server;
  let prom: PrometheusServer;
  let source: PrometheusSource;
  const started = Date.now();

  beforeAll(async () => {
    server = createServer((req, res) => {
      const s = Math.floor((Date.now() - started) / 100) / 10;
      res.end(req.url === '/router' ? routerText(s) : serviceText(s));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const { port } = server.address() as { port: number };
    prom = await startPrometheus({ binary: binary!, scrapeIntervalMs: 250 });
    const clock = new RealClock();
    source = new PrometheusSource({
      api: new PrometheusApi(prom.url),
      targetsFile: prom.targetsFile,
      targets: () => [
        { url: `http://127.0.0.1:${port}/router`, labels: { job: 'router' } },
        { url: `http://127.0.0.1:${port}/service`, labels: judgeLabels },
      ],
      clock: { now: () => Date.now(), sleep: (ms, s) => clock.sleep(ms, s) },
      intervalMs: 250,
      log: nullLogger,
    });
    await source.syncTargets();
    for (let i = 0; i < 60 && source.scrapes < 16; i++) {
      await sleep(250);
      await source.countScrapes();
    }
  }, 30_000);

  afterAll(async () => {
    await prom?.stop();
    server?.close();
  });

  it('acceptance rate and submission success from the mapped names', async () => {
    const args = { version: 'v2', windowMs: 2000, intervalMs: 250 };
    const q = promQLFor(naming);
    const acceptance = await source.evaluate(q.acceptance_rate, args);
    expect(acceptance?.value).toBeCloseTo(0.5, 1);
    const success = await source.evaluate(q.submission_success_rate, args);
    expect(success?.value).toBeCloseTo(0.9, 1);
    expect(renderPromQL(q.acceptance_rate.value, args)).not.toMatch(/judge_/);
  });
});

describe('service.metricNames in a scenario', () => {
  const parse = (text: string) => parseScenario(text, 'scenarios/x.yaml');
  const external = (versionExtra: string, names: string) =>
    [
      'service:',
      '  kind: external',
      '  versions:',
      `    v1: { image: "j:1"${versionExtra} }`,
      `    v2: { image: "j:2"${versionExtra} }`,
      `  metricNames: ${names}`,
    ].join('\n');

  it('accepts a mapping on an external service that has a metrics path', () => {
    const { scenario, problems } = parse(
      scenarioYaml({
        service: external(
          ', metrics: /metrics',
          '{ submissionsJudged: { name: grader_results_total, labels: { verdict: outcome }, values: { accepted: AC } } }',
        ),
      }),
    );
    expect(problems).toEqual([]);
    expect(serviceNaming(scenario?.service.metricNames).judged).toEqual({
      name: 'grader_results_total',
      verdict: 'outcome',
      problem: 'problem',
      accepted: 'AC',
    });
  });

  it('names the field: a bad name, an unknown label, no metrics path, the sample service', () => {
    const problems = (service: string) => parse(scenarioYaml({ service })).problems.join('\n');
    expect(problems(external(', metrics: /metrics', '{ queueDepth: { name: "grader backlog" } }'))).toMatch(
      /service\.metricNames\.queueDepth\.name.*must be a Prometheus metric name/,
    );
    expect(
      problems(external(', metrics: /metrics', '{ httpRequests: { name: x, labels: { path: p } } }')),
    ).toMatch(/service\.metricNames\.httpRequests\.labels.*path/);
    expect(problems(external('', '{ queueDepth: { name: q } }'))).toMatch(
      /service\.metricNames.*no version says where they are: set service\.versions\.<version>\.metrics/,
    );
    expect(problems('service:\n  metricNames: { queueDepth: { name: q } }')).toMatch(
      /service\.metricNames.*the sample judge's names are fixed/,
    );
  });
});

describe('where a version exposes its own metrics', () => {
  it("is the sample's /metrics, an external version's metrics path, or nowhere", () => {
    expect(serviceMetricsPath({ kind: 'sample' }, 'v2')).toBe('/metrics');
    const service = { kind: 'external' as const, versions: { v1: {}, v2: { metrics: '/prometheus' } } };
    expect(serviceMetricsPath(service, 'v2')).toBe('/prometheus');
    expect(serviceMetricsPath(service, 'v1')).toBeUndefined();
    expect(serviceMetricsPath({ ...service, versions: { v1: { metrics: '/m' } } }, 'v1-baseline')).toBe('/m');
  });
});
