import { checkFromQuery, type ImportContext, isObj, type Obj, type WrittenCheck } from './context.js';

// Field names of the Argo Rollouts analysis CRDs (RolloutAnalysis, AnalysisTemplate), from their published schemas.
const ROLLOUT_ANALYSIS = [
  'templates',
  'args',
  'dryRun',
  'measurementRetention',
  'analysisRunMetadata',
  'startingStep',
] as const;
const TEMPLATE_REF = ['templateName', 'clusterScope'] as const;
const TEMPLATE_SPEC = ['metrics', 'args', 'dryRun', 'measurementRetention'] as const;
const METRIC = [
  'name',
  'interval',
  'initialDelay',
  'count',
  'successCondition',
  'failureCondition',
  'failureLimit',
  'inconclusiveLimit',
  'consecutiveErrorLimit',
  'consecutiveSuccessLimit',
  'provider',
] as const;
const PROMETHEUS = ['address', 'query', 'timeout', 'insecure', 'headers', 'authentication'] as const;

/** The analysis a set of templates runs: its checks, the shortest metric interval and the run's length. */
export interface TemplateAnalysis {
  checks: WrittenCheck[];
  intervalMs?: number;
  /** count × interval of the longest metric (how long an inline analysis step lasts), policy time. */
  lengthMs?: number;
}

/** The templates a RolloutAnalysis names, resolved in the file, as checks. */
export function rolloutAnalysis(
  ctx: ImportContext,
  ref: unknown,
  path: string,
  templates: Map<string, Obj>,
): TemplateAnalysis {
  if (!isObj(ref)) {
    ctx.problem(path, 'must be { templates: [{ templateName: … }] }');
    return { checks: [] };
  }
  ctx.fields(ref, path, 'a RolloutAnalysis', ROLLOUT_ANALYSIS);
  for (const key of ['args', 'dryRun', 'measurementRetention', 'analysisRunMetadata'])
    if (ref[key] !== undefined)
      ctx.unmap(
        `${path}.${key}`,
        key === 'args'
          ? 'template arguments are not substituted; queries are mapped by shape'
          : 'not rehearsed',
      );
  const refs = Array.isArray(ref.templates) ? ref.templates : [];
  if (refs.length === 0) ctx.problem(`${path}.templates`, 'must list at least one { templateName: … }');
  const result: TemplateAnalysis = { checks: [] };
  refs.forEach((t, i) => {
    const tpath = `${path}.templates[${i}]`;
    if (!isObj(t) || typeof t.templateName !== 'string') {
      ctx.problem(`${tpath}.templateName`, 'must name an AnalysisTemplate');
      return;
    }
    ctx.fields(t, tpath, 'a template reference', TEMPLATE_REF);
    const template = templates.get(t.templateName);
    if (!template) {
      ctx.problem(
        `${tpath}.templateName`,
        `no AnalysisTemplate or ClusterAnalysisTemplate named "${t.templateName}" in this file (found: ${[...templates.keys()].join(', ') || 'none'}); put it in the same file, after a --- line`,
      );
      return;
    }
    const a = templateAnalysis(ctx, template, t.templateName);
    result.checks.push(...a.checks);
    if (a.intervalMs !== undefined) result.intervalMs = Math.min(result.intervalMs ?? Infinity, a.intervalMs);
    if (a.lengthMs !== undefined) result.lengthMs = Math.max(result.lengthMs ?? 0, a.lengthMs);
  });
  return result;
}

/** One AnalysisTemplate's metrics as threshold checks. */
function templateAnalysis(ctx: ImportContext, template: Obj, name: string): TemplateAnalysis {
  const base = `AnalysisTemplate ${name}: spec`;
  const spec = isObj(template.spec) ? template.spec : {};
  ctx.fields(spec, base, 'an AnalysisTemplate spec', TEMPLATE_SPEC);
  const metrics = Array.isArray(spec.metrics) ? spec.metrics : [];
  if (metrics.length === 0) ctx.problem(`${base}.metrics`, 'must list at least one metric');
  const result: TemplateAnalysis = { checks: [] };
  metrics.forEach((m, j) => {
    const path = `${base}.metrics[${j}]`;
    if (!isObj(m)) {
      ctx.problem(path, 'must be a metric { name, interval, successCondition, provider }');
      return;
    }
    ctx.fields(m, path, 'an analysis metric', METRIC);
    const intervalMs = m.interval !== undefined ? ctx.durationMs(m.interval, `${path}.interval`) : undefined;
    const count = m.count !== undefined ? ctx.int(m.count, `${path}.count`, 1) : undefined;
    if (intervalMs !== undefined) result.intervalMs = Math.min(result.intervalMs ?? Infinity, intervalMs);
    if (count !== undefined) result.lengthMs = Math.max(result.lengthMs ?? 0, count * (intervalMs ?? 0));
    if (m.consecutiveSuccessLimit !== undefined)
      ctx.unmap(`${path}.consecutiveSuccessLimit`, 'not rehearsed (a check passes on its own measurements)');
    const provider = isObj(m.provider) ? m.provider : {};
    const kinds = Object.keys(provider);
    if (!isObj(provider.prometheus)) {
      ctx.unmap(
        `${path}.provider`,
        `provider ${kinds.join(', ') || '(none)'} is not Prometheus; check left out`,
      );
      return;
    }
    ctx.fields(provider.prometheus, `${path}.provider.prometheus`, 'the Prometheus provider', PROMETHEUS);
    const success = condition(ctx, m.successCondition, `${path}.successCondition`, 'success');
    const failure = condition(ctx, m.failureCondition, `${path}.failureCondition`, 'failure');
    if (!success && !failure) {
      if (m.successCondition === undefined && m.failureCondition === undefined)
        ctx.unmap(
          path,
          'neither successCondition nor failureCondition: the metric only records; check left out',
        );
      return;
    }
    const bound = { ...failure?.bound, ...success?.bound };
    if (success && failure)
      ctx.unmap(
        `${path}.failureCondition`,
        'with a successCondition too: the band between them (inconclusive in Argo) is not rehearsed; the successCondition bound decides',
      );
    const mapped = checkFromQuery(
      ctx,
      provider.prometheus.query,
      `${path}.provider.prometheus.query`,
      bound,
      `${name}/${String(m.name ?? j)}`,
    );
    if (!mapped) return;
    const check = mapped.check;
    if (m.failureLimit !== undefined) check.failureLimit = ctx.int(m.failureLimit, `${path}.failureLimit`);
    if (m.consecutiveErrorLimit !== undefined)
      check.consecutiveErrorLimit = ctx.int(m.consecutiveErrorLimit, `${path}.consecutiveErrorLimit`);
    if (m.inconclusiveLimit !== undefined)
      check.inconclusiveLimit = ctx.int(m.inconclusiveLimit, `${path}.inconclusiveLimit`);
    if (mapped.rangeMs !== undefined) check.window = ctx.scaled(mapped.rangeMs);
    if (success?.emptyPasses || failure?.emptyPasses) check.noData = 'ignore';
    if (m.initialDelay !== undefined)
      ctx.unmap(`${path}.initialDelay`, 'one initialDelay per analysis here; not applied per metric');
    result.checks.push(check);
  });
  return result;
}

/** `result[0] >= 0.99` (optionally behind `len(result) == 0 ||` or `isNaN(result[0]) ||`) as a bound. */
function condition(
  ctx: ImportContext,
  expr: unknown,
  path: string,
  side: 'success' | 'failure',
): { bound: { max?: number; min?: number }; emptyPasses: boolean } | undefined {
  if (expr === undefined) return undefined;
  if (typeof expr !== 'string') {
    ctx.problem(path, `must be an expression such as result[0] >= 0.99, got ${JSON.stringify(expr)}`);
    return undefined;
  }
  let s = expr.trim();
  const empty = /^(len\(result\)\s*==\s*0|isNaN\(result(\[0\])?\))\s*\|\|\s*/.exec(s);
  if (empty) s = s.slice(empty[0].length);
  const m = /^(?:result\[0\]|result|asFloat\(result\[0\]\))\s*(<=|>=|<|>)\s*(-?[0-9.]+(?:e-?\d+)?)$/.exec(s);
  if (!m) {
    ctx.unmap(path, `condition not of the form result[0] <op> number: ${expr}`);
    return undefined;
  }
  const value = Number(m[2]);
  const upper = m[1]!.startsWith('<');
  // success `<= x` / failure `> x` bound from above; success `>= x` / failure `< x` from below.
  const isMax = side === 'success' ? upper : !upper;
  return {
    bound: isMax ? { max: value } : { min: value },
    emptyPasses: side === 'success' && empty !== null,
  };
}
