import type { Measurement } from '../vocabulary/measurement.js';
import type { Check } from './check.js';
import { CheckTally } from './measurement.js';

/** What the controller should do after an analysis round. */
export type AnalysisDecision = 'continue' | 'fail' | 'inconclusive';

/** Runs a set of checks round after round and keeps their tallies (one AnalysisRun of Argo Rollouts). */
export class AnalysisRun {
  readonly measurements: Measurement[] = [];
  private readonly tallies: Map<string, CheckTally>;

  constructor(readonly checks: Check[]) {
    this.tallies = new Map(checks.map((c) => [c.name, new CheckTally(c.limits)]));
  }

  /** Whether a check fetches its data before a round (one that asks Prometheus). */
  get fetches(): boolean {
    return this.checks.some((c) => c.prepare !== undefined);
  }

  /** Lets every check that asks an outside system fetch what the round at `now` will measure. */
  async prepare(now: number, since: number): Promise<void> {
    await Promise.all(this.checks.map((c) => c.prepare?.(now, since)));
  }

  /** Measures every check once and returns the decision with this round's measurements. */
  round(
    now: number,
    since: number,
  ): { decision: AnalysisDecision; measurements: Measurement[]; reason?: string } {
    const round = this.checks.map((c) => c.measure(now, since));
    for (const m of round) {
      this.measurements.push(m);
      this.tallies.get(m.check)!.add(m);
    }
    for (const c of this.checks) {
      const tally = this.tallies.get(c.name)!;
      if (tally.state === 'failed')
        return { decision: 'fail', measurements: round, reason: `${c.name}: ${lastOf(round, c.name)}` };
    }
    for (const c of this.checks) {
      const tally = this.tallies.get(c.name)!;
      if (tally.state === 'inconclusive')
        return {
          decision: 'inconclusive',
          measurements: round,
          reason: `${c.name}: too many inconclusive measurements`,
        };
    }
    return { decision: 'continue', measurements: round };
  }

  /** Checks that have not yet had one successful measurement since `since`. */
  unproven(since: number): string[] {
    return this.checks
      .filter(
        (c) =>
          !this.measurements.some((m) => m.check === c.name && m.at >= since && m.phase === 'successful'),
      )
      .map((c) => c.name);
  }
}

function lastOf(round: Measurement[], name: string): string {
  return round.find((m) => m.check === name)?.message ?? '';
}
