import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { importPolicy } from '../../sim/import/import-policy.js';
import { mapPromQL } from '../../sim/import/promql.js';
import { describeAction } from '../../sim/release/actions.js';
import { planStrategy } from '../../sim/release/strategies/index.js';
import { parseScenario } from '../../sim/scenario/load.js';
import { ScenarioError } from '../../sim/util/errors.js';

const dir = join(import.meta.dirname, '../../fixtures/import');
const read = (name: string) => readFileSync(join(dir, name), 'utf8');
const imported = (name: string, opts: Parameters<typeof importPolicy>[1] = { file: name }) =>
  importPolicy(read(name), { ...opts, file: `fixtures/import/${name}` });
/** The plan as `rehearse plan` prints its steps. */
const plan = (r: ReturnType<typeof importPolicy>) =>
  planStrategy(r.scenario.strategy, { version: 'v2', replicas: r.scenario.service.replicas }).map((a) =>
    describeAction(a, 'v2', 'v1'),
  );
const thresholds = (r: ReturnType<typeof importPolicy>) =>
  r.scenario.strategy.analysis.checks.map((c) =>
    c.kind === 'threshold'
      ? { metric: c.metric, max: c.max, min: c.min, failureLimit: c.failureLimit, window: c.window }
      : c.kind,
  );
const errorsOf = (text: string, file = 'x.yaml'): string[] => {
  try {
    importPolicy(text, { file });
  } catch (error) {
    if (error instanceof ScenarioError) return error.problems;
    throw error;
  }
  throw new Error('expected the import to fail');
};

describe('rehearse import: Argo Rollouts canary', () => {
  const r = imported('argo-canary.yaml');

  it('reproduces the step plan: weights in order, pause durations divided by the time scale', () => {
    expect(r.kind).toBe('argo-rollout');
    expect(plan(r)).toEqual([
      'deploy v2 (2 instances)',
      'route 20% to v2, 80% to v1',
      'hold for 6s (analysis keeps running)', // pause 1m / 10
      'route 50% to v2, 50% to v1',
      'hold for 9s (analysis keeps running)', // pause 90s / 10
      'route 80% to v2, 20% to v1',
      'hold for 6s (analysis keeps running)',
      'promote v2: 100% of traffic',
    ]);
  });

  it('maps the AnalysisTemplate: conditions to bounds, limits kept, interval and query ranges scaled', () => {
    expect(r.scenario.strategy.analysis.interval).toBe(2000); // interval 20s / 10
    expect(thresholds(r)).toEqual([
      { metric: 'error_rate', max: 0.02, min: undefined, failureLimit: 1, window: 6000 }, // [1m] / 10
      { metric: 'latency_p95_ms', max: 800, min: undefined, failureLimit: 2, window: 6000 }, // 0.8 s → 800 ms
    ]);
    const errorCheck = r.scenario.strategy.analysis.checks[0]!;
    expect(errorCheck.consecutiveErrorLimit).toBe(3);
    expect(errorCheck.noData).toBe('ignore'); // len(result) == 0 || …
    expect(r.scenario.source).toEqual({
      kind: 'argo-rollout',
      file: 'fixtures/import/argo-canary.yaml',
      timeScale: 10,
    });
  });

  it('lists each field it could not map, with its path', () => {
    expect(r.unmapped).toContainEqual(
      expect.stringMatching(
        /^AnalysisTemplate judge-api-health: spec\.metrics\[2\]\.provider\.prometheus\.query: query has no built-in equivalent.*judge_worker_saturation/,
      ),
    );
    expect(r.unmapped).toContainEqual(
      expect.stringMatching(/^spec\.strategy\.canary\.steps\[4\]\.setHeaderRoute: /),
    );
    expect(r.unmapped).toContainEqual(
      expect.stringMatching(/^spec\.strategy\.canary\.trafficRouting: platform wiring/),
    );
  });

  it('another time scale changes every duration and is kept as metadata', () => {
    const s = imported('argo-canary.yaml', { file: 'x', timeScale: 4 });
    expect(plan(s)[2]).toBe('hold for 15s (analysis keeps running)');
    expect(s.scenario.strategy.analysis.interval).toBe(5000);
    expect(s.scenario.source?.timeScale).toBe(4);
    expect(s.scenario.description).toContain('time compressed 4x');
  });

  it('a fault makes the expectation a rollback; the written YAML is a valid scenario', () => {
    const s = imported('argo-canary.yaml', { file: 'x', fault: 'http-errors' });
    expect(s.scenario.faults.map((f) => f.type)).toEqual(['http-errors']);
    expect(s.scenario.expect.outcome).toBe('rolled-back');
    const back = parseScenario(stringify(s.written), 'written.yaml');
    expect(back.problems).toEqual([]);
    expect(back.scenario).toEqual(s.scenario);
  });
});

describe('rehearse import: Argo Rollouts blue-green', () => {
  const r = imported('argo-bluegreen.yaml');

  it('prePromotionAnalysis → preview analysed count × interval, autoPromotionEnabled: false → a gate, post-switch analysis', () => {
    expect(plan(r)).toEqual([
      'deploy v2 (2 instances)',
      'preview: requests with x-rehearsal-route: v2 go to v2; smoke traffic starts',
      'analyze for 6s; every check must pass at least once', // count 4 × 15s / 10
      'preview ends',
      'manual gate "promotion": approved after 0s (analysis keeps running while it waits)',
      'route 100% to v2, 0% to v1',
      'analyze for 6s; every check must pass at least once',
      'promote v2: 100% of traffic',
      'keep v1 warm for 3s, then scale it down', // scaleDownDelaySeconds 30 / 10
    ]);
  });

  it('a success rate ≥ 0.99 becomes error_rate ≤ 0.01 with its limits', () => {
    expect(thresholds(r)).toEqual([
      { metric: 'error_rate', max: 0.01, min: undefined, failureLimit: 1, window: 3000 },
    ]);
    expect(r.scenario.strategy.analysis.checks[0]!.inconclusiveLimit).toBe(2);
    expect(r.unmapped).toContainEqual(
      expect.stringMatching(/metrics\[0\]\.failureCondition: .*not rehearsed/),
    );
    expect(r.unmapped).toContainEqual(
      expect.stringMatching(/^spec\.strategy\.blueGreen\.autoPromotionEnabled: /),
    );
  });
});

describe('rehearse import: Flagger', () => {
  it('canary: stepWeight 10 up to maxWeight 50, one interval each; threshold 2 → failureLimit 1', () => {
    const r = imported('flagger-canary.yaml');
    expect(r.kind).toBe('flagger-canary');
    const steps = plan(r);
    expect(steps.filter((s) => s.startsWith('route '))).toEqual(
      [10, 20, 30, 40, 50].map((w) => `route ${w}% to v2, ${100 - w}% to v1`),
    );
    expect(steps.filter((s) => s.startsWith('analyze '))).toHaveLength(5);
    expect(steps.filter((s) => s.startsWith('analyze ')).every((s) => s.startsWith('analyze for 6s;'))).toBe(
      true,
    );
    expect(steps.at(-1)).toBe('promote v2: 100% of traffic');
    expect(r.scenario.strategy.analysis.interval).toBe(6000);
    // request-success-rate min 99 (%) → error rate ≤ 1%; the MetricTemplate's histogram in ms → p95 ≤ 500 ms.
    expect(thresholds(r)).toEqual([
      { metric: 'error_rate', max: 0.01, min: undefined, failureLimit: 1, window: 6000 },
      { metric: 'latency_p95_ms', max: 500, min: undefined, failureLimit: 1, window: 6000 },
    ]);
    expect(r.scenario.strategy.analysis.checks.every((c) => c.noData === 'fail')).toBe(true);
    expect(r.unmapped).toContainEqual(expect.stringMatching(/^spec\.analysis\.webhooks: not rehearsed/));
  });

  it('A/B: iterations × interval with a header match → a segment stage for those users', () => {
    const r = imported('flagger-ab.yaml');
    expect(r.scenario.strategy.type).toBe('segment');
    expect(plan(r)).toEqual([
      'deploy v2 (2 instances)',
      'route internal users to v2 (sticky per user)',
      'analyze for 30s; every check must pass at least once', // 10 × 30s / 10
      'promote v2: 100% of traffic',
    ]);
    expect(thresholds(r)).toEqual([
      { metric: 'error_rate', max: 0.01, min: undefined, failureLimit: 2, window: 3000 },
      { metric: 'latency_p99_ms', max: 800, min: undefined, failureLimit: 2, window: 3000 }, // request-duration is p99
    ]);
  });

  it('stepWeights, mirror with iterations', () => {
    const canary = (analysis: string) =>
      `apiVersion: flagger.app/v1beta1\nkind: Canary\nmetadata: { name: c }\nspec:\n  analysis: ${analysis}\n`;
    const weights = importPolicy(canary('{ interval: 30s, stepWeights: [5, 25, 60], metrics: [] }'), {
      file: 'w.yaml',
    });
    expect(plan(weights).filter((s) => s.startsWith('route '))).toEqual([
      'route 5% to v2, 95% to v1',
      'route 25% to v2, 75% to v1',
      'route 60% to v2, 40% to v1',
    ]);
    const mirror = importPolicy(
      canary('{ interval: 1m, iterations: 5, mirror: true, mirrorWeight: 50, metrics: [] }'),
      {
        file: 'm.yaml',
      },
    );
    expect(plan(mirror).slice(1, 4)).toEqual([
      'mirror 50% of requests to v2 (responses discarded)',
      'analyze for 30s; every check must pass at least once',
      'stop mirroring',
    ]);
  });
});

describe('rehearse import: Argo steps without a direct equivalent', () => {
  const rollout = (steps: string, extra = '') =>
    `apiVersion: argoproj.io/v1alpha1\nkind: Rollout\nmetadata: { name: r }\nspec:\n  strategy:\n    canary:\n      steps: ${steps}\n${extra}`;

  it('an indefinite pause is a gate approved at once, a mirror route a mirror step; both said', () => {
    const r = importPolicy(
      rollout(
        '[{ setWeight: 10 }, { pause: {} }, { setMirrorRoute: { name: m, percentage: 30, match: [{ method: { exact: GET } }] } }]',
      ),
      {
        file: 'p.yaml',
      },
    );
    expect(plan(r).slice(1, 4)).toEqual([
      'route 10% to v2, 90% to v1',
      'manual gate "step-2-pause": approved after 0s (analysis keeps running while it waits)',
      'mirror 30% of requests to v2 (responses discarded)',
    ]);
    expect(r.unmapped).toEqual([
      'spec.strategy.canary.steps[1].pause: indefinite pause (waits for `kubectl argo rollouts promote`): a manual gate approved at once here',
      'spec.strategy.canary.steps[2].setMirrorRoute.match: the rehearsal mirrors a share of all requests, not only matching ones',
    ]);
  });

  it('an inline analysis step lasts count × interval; a provider that is not Prometheus is listed', () => {
    const template = `---\napiVersion: argoproj.io/v1alpha1\nkind: AnalysisTemplate\nmetadata: { name: t }\nspec:\n  metrics:\n    - { name: e, interval: 30s, count: 3, successCondition: "result[0] < 0.05", provider: { prometheus: { query: 'sum(rate(req_total{code=~"5.."}[1m])) / sum(rate(req_total[1m]))' } } }\n    - { name: d, interval: 30s, successCondition: "result < 1", provider: { datadog: { query: x } } }\n`;
    const r = importPolicy(
      rollout('[{ setWeight: 50 }, { analysis: { templates: [{ templateName: t }] } }]', template),
      {
        file: 'a.yaml',
      },
    );
    expect(plan(r)[2]).toBe('analyze for 9s; every check must pass at least once');
    expect(thresholds(r)).toEqual([
      { metric: 'error_rate', max: 0.05, min: undefined, failureLimit: 0, window: 6000 },
    ]);
    expect(r.unmapped).toContain(
      'AnalysisTemplate t: spec.metrics[1].provider: provider datadog is not Prometheus; check left out',
    );
  });

  it('a Flagger match on a header that is not a rehearsal segment: internal users stand in, said', () => {
    const r = importPolicy(
      'apiVersion: flagger.app/v1beta1\nkind: Canary\nmetadata: { name: c }\nspec:\n  analysis: { interval: 1m, iterations: 2, match: [{ headers: { x-canary: { exact: insider } } }], metrics: [] }\n',
      { file: 'm.yaml' },
    );
    expect(plan(r)[1]).toBe('route internal users to v2 (sticky per user)');
    expect(r.unmapped).toContainEqual(
      expect.stringMatching(/^spec\.analysis\.match\[0\]\.headers\.x-canary: /),
    );
  });
});

describe('rehearse import: bad input', () => {
  it('a file that is not a Rollout or Canary names the file and the field', () => {
    const problems = errorsOf(
      'apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: d }\n',
      'deploy.yaml',
    );
    expect(problems).toEqual([
      'deploy.yaml: kind: must be an Argo Rollouts Rollout (apiVersion argoproj.io/v1alpha1) or a Flagger Canary (apiVersion flagger.app/v1beta1); found document 1: Deployment d (apps/v1)',
    ]);
  });

  it('a field the CRD does not have is an error naming its path and the valid fields', () => {
    const text = read('argo-canary.yaml').replace('- setWeight: 50', '- setWieght: 50');
    const problems = errorsOf(text, 'typo.yaml');
    expect(problems[0]).toMatch(
      /^typo\.yaml: spec\.strategy\.canary\.steps\[2\]\.setWieght: not a field of a canary step \(its fields: setWeight, pause/,
    );
  });

  it('a bad duration, a missing template, a Flagger metric without a template', () => {
    expect(errorsOf(read('argo-canary.yaml').replace('duration: 90s', 'duration: soon'), 'd.yaml')).toEqual([
      'd.yaml: spec.strategy.canary.steps[3].pause.duration: must be a duration such as 30s, 1m or 1m30s, got "soon"',
    ]);
    expect(errorsOf(read('argo-canary.yaml').split('---')[0]!, 'n.yaml')[0]).toMatch(
      /^n\.yaml: spec\.strategy\.canary\.analysis\.templates\[0\]\.templateName: no AnalysisTemplate or ClusterAnalysisTemplate named "judge-api-health" in this file/,
    );
    expect(errorsOf(read('flagger-canary.yaml').split('---')[0]!, 'f.yaml')[0]).toMatch(
      /^f\.yaml: spec\.analysis\.metrics\[1\]\.templateRef\.name: no MetricTemplate named "latency-p95"/,
    );
  });

  it('YAML syntax errors and non-objects say which document', () => {
    expect(errorsOf('kind: Rollout\n---\n- a\n- b\n', 'l.yaml')).toEqual([
      'l.yaml: document 2: must be a Kubernetes object (apiVersion, kind, metadata, spec)',
    ]);
    expect(errorsOf('kind: [unclosed\n', 's.yaml')[0]).toMatch(/^s\.yaml: YAML syntax error in document 1/);
  });
});

describe('PromQL shapes', () => {
  it('maps error and success ratios, percentages and latency quantiles; leaves the rest', () => {
    const err = mapPromQL(
      'sum(rate(http_requests_total{code=~"5.."}[2m])) / sum(rate(http_requests_total[2m]))',
    );
    expect(err && { metric: err.metric, bound: err.convert(0.05), rangeMs: err.rangeMs }).toEqual({
      metric: 'error_rate',
      bound: 0.05,
      rangeMs: 120_000,
    });
    const ok = mapPromQL(
      '100 * sum(rate(http_requests_total{status!~"5.."}[1m])) / sum(rate(http_requests_total[1m]))',
    );
    expect(ok && { metric: ok.metric, flips: ok.flips, bound: ok.convert(99.5) }).toEqual({
      metric: 'error_rate',
      flips: true,
      bound: 0.005,
    });
    expect(mapPromQL('histogram_quantile(0.99, sum(rate(x_seconds_bucket[1m])) by (le))')?.convert(0.3)).toBe(
      300,
    );
    expect(mapPromQL('histogram_quantile(0.9, sum(rate(x_seconds_bucket[1m])) by (le))')).toBeUndefined();
    expect(mapPromQL('avg(cpu_usage)')).toBeUndefined();
  });
});
