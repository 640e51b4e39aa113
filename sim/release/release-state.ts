import type { Deployment } from '../platform/platform.js';
import type { RouteTable, Rule } from '../router/route-table.js';

/** The pools and routing the controller wants: everything it puts in the route table. */
export class ReleaseState {
  candidate: Deployment | undefined;
  baseline: Deployment | undefined;
  /** Candidate weight, 0–100; a baseline, when there is one, gets the same weight. */
  weight = 0;
  /** Segment rules (the segment strategy). */
  segmentRules: Rule[] = [];
  preview = false;
  mirrorPercent = 0;
  sticky = false;
  stableInPool = true;
  candidateInPool = true;

  constructor(
    readonly versions: { stable: string; candidate: string; baseline?: string | undefined },
    readonly stable: Deployment,
  ) {}

  /** Writes this state into a route table (other owners' fields, such as network faults, are kept). */
  apply(table: RouteTable): void {
    const { stable, candidate, baseline } = this.versions;
    const pool = (d: Deployment | undefined, on: boolean) =>
      on && d ? d.instances.map((i) => ({ id: i.id, url: i.routerUrl })) : [];
    table.pools[stable] = pool(this.stable, this.stableInPool);
    table.pools[candidate] = pool(this.candidate, this.candidateInPool);
    const baselineWeight = baseline && this.baseline && this.candidateInPool ? this.weight : 0;
    if (baseline) table.pools[baseline] = pool(this.baseline, this.candidateInPool);
    table.weights = {
      [stable]: Math.max(0, 100 - this.weight - baselineWeight),
      [candidate]: this.weight,
      ...(baseline ? { [baseline]: baselineWeight } : {}),
    };
    const previewRule: Rule[] =
      this.preview && this.candidateInPool
        ? [{ header: { name: 'x-rehearsal-route', value: candidate }, version: candidate }]
        : [];
    table.rules = [...previewRule, ...(this.candidateInPool ? this.segmentRules : [])];
    table.sticky = this.sticky;
    table.mirror =
      this.mirrorPercent > 0 && this.candidateInPool
        ? { version: candidate, percent: this.mirrorPercent }
        : null;
  }

  /** Whether any user traffic (weights, rules, mirror) reaches the candidate. */
  get candidateExposed(): boolean {
    return (
      this.candidateInPool &&
      (this.weight > 0 || this.segmentRules.length > 0 || this.mirrorPercent > 0 || this.preview)
    );
  }

  /** The candidate's nominal share of user traffic in % (segment rules estimated from the traffic's segment mix). */
  nominalShare(): number {
    if (this.weight > 0 || this.segmentRules.length === 0) return this.weight;
    let share = 0;
    for (const r of this.segmentRules) {
      if ('segment' in r) share += r.segment === 'internal' ? 5 : r.segment === 'vip' ? 10 : 0;
      if ('bucket' in r) share += (r.bucket[1] - r.bucket[0]) * 0.85;
    }
    return Math.min(100, Math.round(share * 10) / 10);
  }
}

/** One line describing a route table for the timeline. */
export function describeRouting(t: RouteTable, candidate: string, share: number): string {
  const parts = Object.entries(t.weights).map(([v, w]) => `${v} ${w}% (${t.pools[v]?.length ?? 0} inst.)`);
  if (t.rules.length > 0) parts.push(`${t.rules.length} rule(s) to ${candidate}`);
  if (t.mirror) parts.push(`mirror ${t.mirror.percent}% to ${t.mirror.version}`);
  return `${parts.join(', ')}; ${candidate} share ≈ ${share}%`;
}
