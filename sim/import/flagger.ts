import type { ImportedStrategy } from './argo.js';
import { checkFromQuery, type ImportContext, isObj, type Obj, type WrittenCheck } from './context.js';

// Field names of the Flagger CRDs (flagger.app/v1beta1 Canary, MetricTemplate), from their published schemas.
const CANARY_SPEC = [
  'provider',
  'targetRef',
  'autoscalerRef',
  'ingressRef',
  'routeRef',
  'upstreamRef',
  'service',
  'analysis',
  'progressDeadlineSeconds',
  'skipAnalysis',
  'revertOnDeletion',
  'suspend',
] as const;
const ANALYSIS = [
  'interval',
  'iterations',
  'mirror',
  'mirrorWeight',
  'maxWeight',
  'stepWeight',
  'stepWeights',
  'stepWeightPromotion',
  'threshold',
  'primaryReadyThreshold',
  'canaryReadyThreshold',
  'alerts',
  'metrics',
  'webhooks',
  'match',
  'sessionAffinity',
] as const;
const METRIC = [
  'name',
  'interval',
  'threshold',
  'thresholdRange',
  'query',
  'templateRef',
  'templateVariables',
] as const;
const TEMPLATE_SPEC = ['provider', 'query'] as const;
/** Segments of the rehearsal's synthetic users that an A/B match can select by header value. */
const SEGMENTS = ['internal', 'vip'];

/**
 * Imports a Flagger `Canary` with the MetricTemplates of the same file: progressive weights (stepWeight up to
 * maxWeight, or stepWeights) → canary steps of one interval each; `iterations` + `match` → a segment release;
 * `iterations` + `mirror` → mirrored canary; `iterations` alone → blue-green.
 */
export function importFlagger(
  ctx: ImportContext,
  canary: Obj,
  templates: Map<string, Obj>,
): ImportedStrategy {
  const spec = isObj(canary.spec) ? canary.spec : {};
  ctx.fields(spec, 'spec', 'a Flagger Canary spec', CANARY_SPEC);
  for (const key of Object.keys(spec))
    if (key !== 'analysis')
      ctx.unmap(
        `spec.${key}`,
        [
          'targetRef',
          'service',
          'provider',
          'ingressRef',
          'routeRef',
          'upstreamRef',
          'autoscalerRef',
        ].includes(key)
          ? 'platform wiring; the rehearsal runs its own router and instances'
          : 'not rehearsed',
      );
  if (!isObj(spec.analysis)) {
    ctx.problem(
      'spec.analysis',
      'a Canary needs an analysis block (interval, threshold, stepWeight or iterations, metrics)',
    );
    return { strategy: { type: 'canary', steps: [] } };
  }
  const a = spec.analysis;
  ctx.fields(a, 'spec.analysis', 'a Canary analysis', ANALYSIS);
  for (const key of [
    'alerts',
    'webhooks',
    'primaryReadyThreshold',
    'canaryReadyThreshold',
    'sessionAffinity',
    'stepWeightPromotion',
  ])
    if (a[key] !== undefined) ctx.unmap(`spec.analysis.${key}`, 'not rehearsed');
  const intervalMs = a.interval !== undefined ? ctx.durationMs(a.interval, 'spec.analysis.interval') : 60_000;
  const interval = ctx.scaled(intervalMs ?? 60_000);
  const threshold = a.threshold !== undefined ? ctx.int(a.threshold, 'spec.analysis.threshold', 1) : 1;
  const checks = metrics(ctx, a.metrics, templates, intervalMs ?? 60_000).map((c) => ({
    ...c,
    failureLimit: (threshold ?? 1) - 1,
    noData: 'fail',
    minRequests: 1,
  }));
  if ((threshold ?? 1) > 1 && checks.length > 1)
    ctx.unmap(
      'spec.analysis.threshold',
      `Flagger counts failed checks of all metrics together; here each check rolls back after ${threshold} failures of its own`,
    );
  const analysis = { interval, window: interval, noData: 'fail', checks };
  const iterations =
    a.iterations !== undefined ? ctx.int(a.iterations, 'spec.analysis.iterations', 1) : undefined;
  const stay = (n: number) => ctx.scaled(n * (intervalMs ?? 60_000));
  if (iterations !== undefined) {
    if (a.match !== undefined) {
      const segments = matchSegments(ctx, a.match);
      return {
        strategy: { type: 'segment', stages: [{ segments, bucket: 0, analyze: stay(iterations) }], analysis },
      };
    }
    if (a.mirror === true) {
      const percent =
        a.mirrorWeight !== undefined ? ctx.num(a.mirrorWeight, 'spec.analysis.mirrorWeight') : 100;
      const steps = [{ mirror: percent ?? 100 }, { analyze: stay(iterations) }, { mirror: 0 }];
      return { strategy: { type: 'canary', steps, analysis } };
    }
    return {
      strategy: {
        type: 'blue-green',
        preview: { analyze: stay(iterations) },
        postSwitch: { analyze: interval },
        analysis,
      },
    };
  }
  if (a.mirror === true)
    ctx.unmap(
      'spec.analysis.mirror',
      'mirroring applies to iterations (blue/green) only in Flagger; ignored',
    );
  let weights: number[] = [];
  if (a.stepWeights !== undefined) {
    if (!Array.isArray(a.stepWeights) || a.stepWeights.some((w) => typeof w !== 'number'))
      ctx.problem(
        'spec.analysis.stepWeights',
        `must be a list of weights such as [5, 10, 20], got ${JSON.stringify(a.stepWeights)}`,
      );
    else weights = a.stepWeights as number[];
  } else if (a.stepWeight !== undefined) {
    const step = ctx.num(a.stepWeight, 'spec.analysis.stepWeight');
    const max = a.maxWeight !== undefined ? ctx.num(a.maxWeight, 'spec.analysis.maxWeight') : 100;
    if (step !== undefined && step > 0 && max !== undefined)
      for (let w = step; w <= max + 1e-9; w += step) weights.push(Math.round(w * 1000) / 1000);
  } else {
    ctx.problem('spec.analysis', 'needs stepWeight (with maxWeight), stepWeights or iterations');
  }
  const steps = weights.flatMap((w) => [{ setWeight: w }, { analyze: interval }]);
  return { strategy: { type: 'canary', steps, analysis } };
}

/** Flagger's metrics as threshold checks: the two built-ins, and MetricTemplates by reference. */
function metrics(
  ctx: ImportContext,
  list: unknown,
  templates: Map<string, Obj>,
  intervalMs: number,
): WrittenCheck[] {
  if (list === undefined) {
    ctx.unmap('spec.analysis.metrics', 'absent: no checks, so nothing can roll the release back');
    return [];
  }
  if (!Array.isArray(list)) {
    ctx.problem('spec.analysis.metrics', 'must be a list of metrics');
    return [];
  }
  const out: WrittenCheck[] = [];
  list.forEach((m, i) => {
    const path = `spec.analysis.metrics[${i}]`;
    if (!isObj(m)) {
      ctx.problem(path, 'must be a metric { name, thresholdRange, interval }');
      return;
    }
    ctx.fields(m, path, 'a Canary metric', METRIC);
    const range = isObj(m.thresholdRange) ? m.thresholdRange : {};
    const min = range.min !== undefined ? ctx.num(range.min, `${path}.thresholdRange.min`) : undefined;
    const max = range.max !== undefined ? ctx.num(range.max, `${path}.thresholdRange.max`) : undefined;
    if (m.threshold !== undefined) ctx.unmap(`${path}.threshold`, 'deprecated; use thresholdRange');
    const windowMs = m.interval !== undefined ? ctx.durationMs(m.interval, `${path}.interval`) : intervalMs;
    const window = ctx.scaled(windowMs ?? intervalMs);
    const name = String(m.name ?? `metric-${i}`);
    if (m.templateRef === undefined && m.query === undefined) {
      if (name === 'request-success-rate') {
        if (min === undefined) {
          ctx.problem(`${path}.thresholdRange.min`, 'request-success-rate needs a minimum (percent)');
          return;
        }
        out.push({
          name,
          metric: 'error_rate',
          max: Math.round((100 - min) * 1e6) / 1e8,
          window,
        });
        return;
      }
      if (name === 'request-duration') {
        if (max === undefined) {
          ctx.problem(`${path}.thresholdRange.max`, 'request-duration needs a maximum (milliseconds)');
          return;
        }
        out.push({ name, metric: 'latency_p99_ms', max, window });
        return;
      }
      ctx.problem(
        `${path}.name`,
        `"${name}" is not a built-in metric (request-success-rate, request-duration) and has no templateRef`,
      );
      return;
    }
    if (m.templateVariables !== undefined)
      ctx.unmap(`${path}.templateVariables`, 'not substituted; queries are mapped by shape');
    let query: unknown = m.query;
    let queryPath = `${path}.query`;
    if (m.templateRef !== undefined) {
      const ref = isObj(m.templateRef) ? m.templateRef : {};
      const tname = typeof ref.name === 'string' ? ref.name : undefined;
      const template = tname ? templates.get(tname) : undefined;
      if (!template) {
        ctx.problem(
          `${path}.templateRef.name`,
          `no MetricTemplate named ${JSON.stringify(ref.name)} in this file (found: ${[...templates.keys()].join(', ') || 'none'}); put it in the same file, after a --- line`,
        );
        return;
      }
      const tspec = isObj(template.spec) ? template.spec : {};
      ctx.fields(tspec, `MetricTemplate ${tname}: spec`, 'a MetricTemplate spec', TEMPLATE_SPEC);
      const provider = isObj(tspec.provider) ? tspec.provider : {};
      if (provider.type !== undefined && provider.type !== 'prometheus') {
        ctx.unmap(
          `MetricTemplate ${tname}: spec.provider.type`,
          `provider ${String(provider.type)} is not Prometheus; check left out`,
        );
        return;
      }
      query = tspec.query;
      queryPath = `MetricTemplate ${tname}: spec.query`;
    }
    const bound = { ...(min !== undefined ? { min } : {}), ...(max !== undefined ? { max } : {}) };
    if (min === undefined && max === undefined) {
      ctx.problem(`${path}.thresholdRange`, 'needs min or max');
      return;
    }
    const mapped = checkFromQuery(ctx, query, queryPath, bound, name);
    if (mapped)
      out.push({
        ...mapped.check,
        window: mapped.rangeMs !== undefined ? ctx.scaled(mapped.rangeMs) : window,
      });
  });
  return out;
}

/** The rehearsal's user segments an A/B match selects: a header whose exact value names one. */
function matchSegments(ctx: ImportContext, match: unknown): string[] {
  const segments = new Set<string>();
  (Array.isArray(match) ? match : []).forEach((m, i) => {
    const headers = isObj(m) && isObj(m.headers) ? m.headers : {};
    for (const [header, rule] of Object.entries(headers)) {
      const value = isObj(rule) ? rule.exact : undefined;
      if (typeof value === 'string' && SEGMENTS.includes(value)) segments.add(value);
      else
        ctx.unmap(
          `spec.analysis.match[${i}].headers.${header}`,
          `the rehearsal's users carry segments ${SEGMENTS.join(', ')} (x-user-segment); this match does not name one`,
        );
    }
    if (isObj(m))
      for (const key of Object.keys(m))
        if (key !== 'headers')
          ctx.unmap(`spec.analysis.match[${i}].${key}`, 'only header matches are rehearsed');
  });
  if (segments.size === 0) {
    ctx.unmap(
      'spec.analysis.match',
      'no match names a rehearsal segment: internal users stand in for the matched ones',
    );
    segments.add('internal');
  }
  return [...segments];
}
