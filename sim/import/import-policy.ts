import { basename } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { planStrategy } from '../release/strategies/index.js';
import { formatIssue } from '../scenario/format-issues.js';
import { MAX_YAML_ALIASES } from '../scenario/load.js';
import { type Scenario, scenarioSchema } from '../scenario/schema.js';
import { formatDuration } from '../util/duration.js';
import { ScenarioError } from '../util/errors.js';
import { importArgo } from './argo.js';
import { ImportContext, isObj, type Obj, type PolicyKind } from './context.js';
import { importFlagger } from './flagger.js';

/** The default time compression: a policy's minutes become a rehearsal's seconds (1m → 6s). */
export const DEFAULT_TIME_SCALE = 10;

/** Faults an imported scenario can rehearse against, and the outcome each implies. */
export const importFaults = ['none', 'http-errors', 'latency'] as const;
export type ImportFault = (typeof importFaults)[number];

/** How to import. */
export interface ImportOptions {
  /** The file's name as shown in messages and kept in the scenario's `source`. */
  file: string;
  timeScale?: number;
  fault?: ImportFault;
  /** The outcome to expect; default: promoted with no fault, rolled-back with one. */
  expect?: 'promoted' | 'rolled-back' | 'paused';
  /** The scenario's name; default: `argo-<resource name>` or `flagger-<resource name>`. */
  name?: string;
  seed?: number;
}

/** What an import gives: the scenario as written (for YAML), as parsed, and the fields that were not mapped. */
export interface ImportResult {
  kind: PolicyKind;
  written: Record<string, unknown>;
  scenario: Scenario;
  unmapped: string[];
}

/** Requests per second of the synthetic traffic an imported scenario sends (the policy does not say). */
export const IMPORT_RATE = 40;
/** Time from traffic start the release needs besides its plan (deploys, first scrape), and slack after it. */
const STARTUP_MS = 6000;

/**
 * Turns an Argo Rollouts `Rollout` (+ AnalysisTemplates) or a Flagger `Canary` (+ MetricTemplates), as YAML text
 * (one or more documents), into a scenario that rehearses that policy with its time compressed by `timeScale`.
 * Throws a ScenarioError naming the file and field when the text is not such a policy.
 */
export function importPolicy(text: string, options: ImportOptions): ImportResult {
  const file = options.file;
  const timeScale = options.timeScale ?? DEFAULT_TIME_SCALE;
  if (!(timeScale > 0 && timeScale <= 1000))
    throw new ScenarioError([`--time-scale: must be a number above 0 and at most 1000, got ${timeScale}`]);
  const docs = parseDocs(text, file);
  const policies = docs.filter((d) => isPolicy(d));
  if (policies.length !== 1) {
    const kinds = docs.map((d, i) => `document ${i + 1}: ${describeKind(d)}`).join('; ');
    throw new ScenarioError([
      policies.length === 0
        ? `${file}: kind: must be an Argo Rollouts Rollout (apiVersion argoproj.io/v1alpha1) or a Flagger Canary (apiVersion flagger.app/v1beta1); found ${kinds || 'no documents'}`
        : `${file}: kind: holds ${policies.length} Rollouts/Canaries; import one at a time (${kinds})`,
    ]);
  }
  const policy = policies[0]!;
  const kind: PolicyKind = policy.kind === 'Rollout' ? 'argo-rollout' : 'flagger-canary';
  const ctx = new ImportContext(file, timeScale);
  const wanted =
    kind === 'argo-rollout' ? ['AnalysisTemplate', 'ClusterAnalysisTemplate'] : ['MetricTemplate'];
  const templates = new Map<string, Obj>();
  for (const d of docs) {
    if (d === policy) continue;
    const name = isObj(d.metadata) ? d.metadata.name : undefined;
    if (wanted.includes(String(d.kind)) && typeof name === 'string') templates.set(name, d);
    else
      ctx.unmap(
        `document ${describeKind(d)}`,
        `not part of a ${kind === 'argo-rollout' ? 'Rollout' : 'Canary'} policy; ignored`,
      );
  }
  const imported =
    kind === 'argo-rollout' ? importArgo(ctx, policy, templates) : importFlagger(ctx, policy, templates);
  if (ctx.problems.length > 0) throw new ScenarioError(ctx.problems);

  const resource =
    isObj(policy.metadata) && typeof policy.metadata.name === 'string' ? policy.metadata.name : 'policy';
  const name = options.name ?? `${kind === 'argo-rollout' ? 'argo' : 'flagger'}-${slug(resource)}`;
  const fault = options.fault ?? 'none';
  const outcome = options.expect ?? (fault === 'none' ? 'promoted' : 'rolled-back');
  const what = kind === 'argo-rollout' ? `Argo Rollout ${resource}` : `Flagger Canary ${resource}`;
  const written: Record<string, unknown> = {
    name,
    description: `${what} from ${basename(file)}, time compressed ${timeScale}x (1m of policy time = ${formatDuration(60_000 / timeScale)}); fault: ${fault}`,
    seed: options.seed ?? 1,
    tags: ['imported', kind],
    source: { kind, file, timeScale },
    service: { replicas: Math.min(16, Math.max(1, imported.replicas ?? 2)), stable: 'v1', candidate: 'v2' },
    traffic: { profile: { type: 'constant', rate: IMPORT_RATE }, duration: '30s' },
    strategy: imported.strategy,
    faults: faultsFor(fault),
    expect: { outcome, lostSubmissions: 0 },
  };
  if ((imported.replicas ?? 2) > 16)
    ctx.unmap('spec.replicas', `${imported.replicas} replicas; the rehearsal runs 16 at most`);
  // Traffic lasts the plan's length plus start-up and slack, so the release is decided before traffic ends.
  const first = validate(written, file);
  const planMs = planStrategy(first.strategy, { version: 'v2', replicas: first.service.replicas }).reduce(
    (sum, a) =>
      sum +
      (a.kind === 'pause' || a.kind === 'analyze'
        ? a.ms
        : a.kind === 'approve' && a.rule.kind === 'after'
          ? a.rule.ms
          : a.kind === 'approve' && a.rule.kind === 'when-passing'
            ? a.rule.timeoutMs
            : 0),
    0,
  );
  const totalMs = Math.min(
    3_600_000,
    Math.max(20_000, Math.ceil((planMs * 1.25 + STARTUP_MS) / 1000) * 1000),
  );
  (written.traffic as Obj).duration = formatDuration(totalMs);
  return { kind, written, scenario: validate(written, file), unmapped: ctx.unmapped };
}

function faultsFor(fault: ImportFault): Obj[] {
  switch (fault) {
    case 'none':
      return [];
    case 'http-errors':
      return [{ type: 'http-errors', target: 'candidate', rate: 0.2, at: '0s' }];
    case 'latency':
      return [{ type: 'latency', target: 'candidate', ms: 1500, at: '0s' }];
  }
}

/** The written scenario through the one scenario schema: an importer bug shows as a problem, not a bad file. */
function validate(written: Record<string, unknown>, file: string): Scenario {
  const result = scenarioSchema.safeParse(JSON.parse(JSON.stringify(written)), { reportInput: true });
  if (!result.success)
    throw new ScenarioError(
      result.error.issues.map((i) => `${file}: the imported scenario is invalid: ${formatIssue(i)}`),
    );
  return result.data;
}

function parseDocs(text: string, file: string): Obj[] {
  const docs = parseAllDocuments(text, { prettyErrors: false });
  if (!Array.isArray(docs)) return [];
  const out: Obj[] = [];
  for (const [i, doc] of docs.entries()) {
    if (doc.errors.length > 0)
      throw new ScenarioError(
        doc.errors.map((e) => `${file}: YAML syntax error in document ${i + 1}: ${e.message.split('\n')[0]}`),
      );
    let data: unknown;
    try {
      data = doc.toJS({ maxAliasCount: MAX_YAML_ALIASES });
    } catch (error) {
      throw new ScenarioError([
        `${file}: document ${i + 1}: too many YAML aliases (${(error as Error).message.split('\n')[0]})`,
      ]);
    }
    if (data === null || data === undefined) continue;
    if (!isObj(data))
      throw new ScenarioError([
        `${file}: document ${i + 1}: must be a Kubernetes object (apiVersion, kind, metadata, spec)`,
      ]);
    out.push(data);
  }
  return out;
}

function isPolicy(d: Obj): boolean {
  const api = String(d.apiVersion ?? '');
  return (
    (d.kind === 'Rollout' && api.startsWith('argoproj.io/')) ||
    (d.kind === 'Canary' && api.startsWith('flagger.app/'))
  );
}

function describeKind(d: Obj): string {
  const name = isObj(d.metadata) && typeof d.metadata.name === 'string' ? ` ${d.metadata.name}` : '';
  return `${String(d.kind ?? '(no kind)')}${name} (${String(d.apiVersion ?? 'no apiVersion')})`;
}

function slug(s: string): string {
  return (
    s
      .toLowerCase()
      .replace(/[^a-z0-9-]+/g, '-')
      .replace(/^-+|-+$/g, '') || 'policy'
  );
}
