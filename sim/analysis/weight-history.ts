/** One change of the candidate's share of traffic, at ms from the start of traffic. */
export interface WeightChange {
  at: number;
  /** Candidate's weight, 0–100. */
  weight: number;
}

/**
 * The weights the controller set, over time. Checks that accumulate per interval (the sequential count
 * test) cut their intervals at these changes so that no interval mixes two shares.
 */
export class WeightHistory {
  readonly changes: WeightChange[] = [];

  /** Records a new candidate weight at `at` (repeats of the current weight are ignored). */
  set(at: number, weight: number): void {
    if (this.changes.at(-1)?.weight === weight) return;
    this.changes.push({ at, weight });
  }

  /** The weight in force at `at` (0 before the first change). */
  at(at: number): number {
    let w = 0;
    for (const c of this.changes) if (c.at <= at) w = c.weight;
    return w;
  }

  /** Cuts (from, to] at every change inside it: the sub-intervals, each under one weight. */
  split(from: number, to: number): { from: number; to: number; weight: number }[] {
    const cuts = this.changes.filter((c) => c.at > from && c.at < to).map((c) => c.at);
    const bounds = [from, ...cuts, to];
    const out: { from: number; to: number; weight: number }[] = [];
    for (let i = 0; i + 1 < bounds.length; i++)
      out.push({ from: bounds[i]!, to: bounds[i + 1]!, weight: this.at(bounds[i]!) });
    return out;
  }
}
