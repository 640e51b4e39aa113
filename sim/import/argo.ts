import { rolloutAnalysis, type TemplateAnalysis } from './argo-analysis.js';
import { type ImportContext, isObj, type Obj, type WrittenCheck } from './context.js';

// Field names of the Argo Rollouts Rollout CRD (argoproj.io/v1alpha1), from its published schema; the analysis fields are in argo-analysis.ts.
const ROLLOUT_SPEC = [
  'replicas',
  'selector',
  'template',
  'workloadRef',
  'minReadySeconds',
  'revisionHistoryLimit',
  'paused',
  'progressDeadlineSeconds',
  'progressDeadlineAbort',
  'restartAt',
  'rollbackWindow',
  'strategy',
  'analysis',
] as const;
const CANARY = [
  'canaryService',
  'stableService',
  'steps',
  'trafficRouting',
  'maxUnavailable',
  'maxSurge',
  'analysis',
  'antiAffinity',
  'canaryMetadata',
  'stableMetadata',
  'scaleDownDelaySeconds',
  'scaleDownDelayRevisionLimit',
  'abortScaleDownDelaySeconds',
  'dynamicStableScale',
  'pingPong',
  'minPodsPerReplicaSet',
  'replicaProgressThreshold',
] as const;
const CANARY_STEP = [
  'setWeight',
  'pause',
  'experiment',
  'analysis',
  'setCanaryScale',
  'setHeaderRoute',
  'setMirrorRoute',
  'plugin',
] as const;
const BLUE_GREEN = [
  'activeService',
  'previewService',
  'previewReplicaCount',
  'autoPromotionEnabled',
  'autoPromotionSeconds',
  'maxUnavailable',
  'scaleDownDelaySeconds',
  'scaleDownDelayRevisionLimit',
  'abortScaleDownDelaySeconds',
  'prePromotionAnalysis',
  'postPromotionAnalysis',
  'antiAffinity',
  'previewMetadata',
  'activeMetadata',
] as const;
/** Platform wiring the rehearsal's own router and instances stand in for: read, nothing to rehearse. */
const WIRING = new Set([
  'selector',
  'template',
  'workloadRef',
  'revisionHistoryLimit',
  'canaryService',
  'stableService',
  'trafficRouting',
  'activeService',
  'previewService',
  'canaryMetadata',
  'stableMetadata',
  'previewMetadata',
  'activeMetadata',
]);

/** What an Argo Rollout becomes: the strategy block, its analysis and the replica count. */
export interface ImportedStrategy {
  strategy: Obj;
  replicas?: number;
}

/** Imports an Argo Rollouts `Rollout` (canary or blueGreen) with the AnalysisTemplates of the same file. */
export function importArgo(ctx: ImportContext, rollout: Obj, templates: Map<string, Obj>): ImportedStrategy {
  const spec = isObj(rollout.spec) ? rollout.spec : {};
  if (!isObj(rollout.spec)) ctx.problem('spec', 'a Rollout needs a spec (replicas, strategy, …)');
  ctx.fields(spec, 'spec', 'an Argo Rollouts Rollout spec', ROLLOUT_SPEC);
  for (const key of Object.keys(spec))
    if (!['replicas', 'strategy'].includes(key))
      ctx.unmap(
        `spec.${key}`,
        WIRING.has(key)
          ? 'platform wiring; the rehearsal runs its own router and instances'
          : 'not rehearsed',
      );
  const replicas = spec.replicas === undefined ? undefined : ctx.int(spec.replicas, 'spec.replicas', 1);
  const strategy = isObj(spec.strategy) ? spec.strategy : {};
  const checks: WrittenCheck[] = [];
  const intervals: number[] = [];
  const analyses = (ref: unknown, path: string): TemplateAnalysis => {
    const a = rolloutAnalysis(ctx, ref, path, templates);
    checks.push(...a.checks);
    if (a.intervalMs !== undefined) intervals.push(a.intervalMs);
    return a;
  };
  let out: Obj;
  if (isObj(strategy.canary)) {
    const c = strategy.canary;
    ctx.fields(c, 'spec.strategy.canary', 'the canary strategy', CANARY);
    for (const key of Object.keys(c))
      if (!['steps', 'analysis'].includes(key))
        ctx.unmap(
          `spec.strategy.canary.${key}`,
          WIRING.has(key)
            ? 'platform wiring; the rehearsal routes by weight in its own router'
            : 'not rehearsed',
        );
    if (c.analysis !== undefined) {
      if (isObj(c.analysis) && c.analysis.startingStep !== undefined)
        ctx.unmap(
          'spec.strategy.canary.analysis.startingStep',
          'background analysis runs from the first step here',
        );
      analyses(c.analysis, 'spec.strategy.canary.analysis');
    }
    const steps: Obj[] = [];
    const written = Array.isArray(c.steps) ? c.steps : [];
    if (!Array.isArray(c.steps) || written.length === 0)
      ctx.problem('spec.strategy.canary.steps', 'must be a list of steps (setWeight, pause, analysis, …)');
    written.forEach((step, i) => {
      const path = `spec.strategy.canary.steps[${i}]`;
      if (!isObj(step)) {
        ctx.problem(path, 'must be a step such as { setWeight: 20 }');
        return;
      }
      ctx.fields(step, path, 'a canary step', CANARY_STEP);
      if (step.setWeight !== undefined) {
        const w = ctx.num(step.setWeight, `${path}.setWeight`);
        if (w !== undefined) steps.push({ setWeight: w });
      } else if (step.pause !== undefined) {
        const p = step.pause;
        if (isObj(p) && p.duration !== undefined) {
          const ms = ctx.durationMs(p.duration, `${path}.pause.duration`);
          if (ms !== undefined) steps.push({ pause: ctx.scaled(ms) });
        } else {
          ctx.unmap(
            `${path}.pause`,
            'indefinite pause (waits for `kubectl argo rollouts promote`): a manual gate approved at once here',
          );
          steps.push({ approve: { gate: `step-${i + 1}-pause`, after: '0s' } });
        }
      } else if (step.analysis !== undefined) {
        const a = analyses(step.analysis, `${path}.analysis`);
        ctx.unmap(
          `${path}.analysis`,
          'inline analysis: its checks run through the whole release here, not only in this step',
        );
        if (a.lengthMs === undefined)
          ctx.unmap(
            `${path}.analysis`,
            'no metric has a count, so the step never ends in Argo; here it lasts one interval',
          );
        steps.push({ analyze: ctx.scaled(a.lengthMs ?? a.intervalMs ?? 60_000) });
      } else if (step.setMirrorRoute !== undefined) {
        const m = isObj(step.setMirrorRoute) ? step.setMirrorRoute : {};
        if (m.match !== undefined)
          ctx.unmap(
            `${path}.setMirrorRoute.match`,
            'the rehearsal mirrors a share of all requests, not only matching ones',
          );
        const percent =
          m.percentage === undefined ? 100 : ctx.num(m.percentage, `${path}.setMirrorRoute.percentage`);
        if (percent !== undefined) steps.push({ mirror: isObj(step.setMirrorRoute) ? percent : 0 });
      } else if (step.setHeaderRoute !== undefined) {
        ctx.unmap(
          `${path}.setHeaderRoute`,
          'header routes are not a canary step here; traffic to the canary goes by weight',
        );
      } else {
        const key = Object.keys(step)[0] ?? '(empty)';
        ctx.unmap(`${path}.${key}`, 'not rehearsed (step left out)');
      }
    });
    out = { type: 'canary', steps };
  } else if (isObj(strategy.blueGreen)) {
    const b = strategy.blueGreen;
    const path = 'spec.strategy.blueGreen';
    ctx.fields(b, path, 'the blueGreen strategy', BLUE_GREEN);
    for (const key of Object.keys(b))
      if (
        ![
          'prePromotionAnalysis',
          'postPromotionAnalysis',
          'autoPromotionEnabled',
          'autoPromotionSeconds',
          'scaleDownDelaySeconds',
        ].includes(key)
      )
        ctx.unmap(
          `${path}.${key}`,
          WIRING.has(key)
            ? 'platform wiring; the rehearsal previews by header in its own router'
            : 'not rehearsed',
        );
    out = { type: 'blue-green' };
    const pre =
      b.prePromotionAnalysis !== undefined
        ? analyses(b.prePromotionAnalysis, `${path}.prePromotionAnalysis`)
        : undefined;
    const post =
      b.postPromotionAnalysis !== undefined
        ? analyses(b.postPromotionAnalysis, `${path}.postPromotionAnalysis`)
        : undefined;
    if (!pre) ctx.unmap(`${path}.prePromotionAnalysis`, 'absent: the preview is analysed for one interval');
    if (!post) ctx.unmap(`${path}.postPromotionAnalysis`, 'absent: the switch is analysed for one interval');
    const interval = Math.min(...intervals, 60_000);
    out.preview = { analyze: ctx.scaled(pre?.lengthMs ?? interval) };
    out.postSwitch = { analyze: ctx.scaled(post?.lengthMs ?? interval) };
    if (b.autoPromotionEnabled === false) {
      ctx.unmap(
        `${path}.autoPromotionEnabled`,
        'false (a person promotes): a manual gate approved at once here',
      );
      out.approve = { gate: 'promotion', after: '0s' };
    } else if (b.autoPromotionSeconds !== undefined) {
      const s = ctx.int(b.autoPromotionSeconds, `${path}.autoPromotionSeconds`);
      if (s !== undefined) out.approve = { gate: 'auto-promotion', after: ctx.scaled(s * 1000) };
    }
    if (b.scaleDownDelaySeconds !== undefined) {
      const s = ctx.int(b.scaleDownDelaySeconds, `${path}.scaleDownDelaySeconds`);
      if (s !== undefined) out.scaleDownDelay = ctx.scaled(s * 1000);
    }
  } else {
    ctx.problem('spec.strategy', 'must have canary or blueGreen (the strategies a rehearsal imports)');
    out = { type: 'canary', steps: [] };
  }
  const intervalMs = intervals.length > 0 ? Math.min(...intervals) : 60_000;
  if (new Set(intervals).size > 1)
    ctx.unmap(
      'metrics[].interval',
      `intervals differ; every check runs at the shortest (${intervalMs / 1000}s in policy time)`,
    );
  out.analysis = {
    interval: ctx.scaled(intervalMs),
    window: ctx.scaled(intervalMs),
    noData: 'inconclusive',
    checks: dedupe(checks),
  };
  return { strategy: out, ...(replicas !== undefined ? { replicas } : {}) };
}

/** The same template named by two steps gives its checks once. */
function dedupe(checks: WrittenCheck[]): WrittenCheck[] {
  const seen = new Set<string>();
  return checks.filter((c) => {
    const key = JSON.stringify(c);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
