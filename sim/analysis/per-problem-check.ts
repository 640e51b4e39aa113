import { z } from 'zod';
import type { Queries } from '../monitor/queries.js';
import type { Measurement } from '../vocabulary/measurement.js';
import { type Check, safely } from './check.js';
import {
  type CheckDefaults,
  type CheckVersions,
  checkBase,
  fmt,
  type NoDataPolicy,
  noDataMeasurement,
} from './check-base.js';
import { type CountInterval, sequentialEvidence } from './stats/sequential.js';
import type { WeightHistory } from './weight-history.js';

/**
 * Canary vs stable rejection rates problem by problem: the anytime-valid count test of
 * sim/analysis/README.md §2 run once per problem, α split over the problems looked at.
 */
export const perProblemCheckSchema = z.strictObject({
  ...checkBase,
  /** Non-Accepted verdicts per verdict, by the judge service's `problem` label. */
  compare: z.literal('rejected_verdicts'),
  by: z.literal('problem'),
  /** False-alarm bound over every problem together, however often the controller looks. */
  alpha: z.number().gt(0).lt(0.5).default(0.01),
  /** Prior strength k of each problem's Beta(k·ρ0, k·(1−ρ0)) mixing prior; small decides on fewer verdicts. */
  prior: z.number().gt(0).default(1),
  /** Fewest rejected verdicts of the candidate on one problem before that problem may fail the check. */
  minRejected: z.number().int().min(1).default(3),
});

/** A per-problem check as the controller receives it. */
export type PerProblemCheckConfig = z.output<typeof perProblemCheckSchema>;

interface ProblemState {
  intervals: CountInterval[];
  minP: number;
  /** Totals since the candidate took traffic, for the message. */
  c: { errors: number; requests: number };
  b: { errors: number; requests: number };
}

/**
 * For every problem, accumulates the candidate's and stable's rejected verdicts per interval (cut at
 * weight changes; the share is the candidate's share of all verdicts in the interval), and fails as soon as
 * one problem's evidence O reaches m/α, m being the problems with a series on both versions (Bonferroni:
 * each problem's test is anytime-valid at α/m, so the whole check is at α across problems and looks).
 * The judge service zero-initialises a series per corpus problem, so m is the corpus from the first scrape.
 */
export class PerProblemCheck implements Check {
  readonly name: string;
  readonly limits: Check['limits'];
  private readonly noData: NoDataPolicy;
  private problems = new Map<string, ProblemState>();
  /** Problems with a series on both versions: the m that α is split over. */
  private seen = new Set<string>();
  private measuredTo: number | undefined;

  constructor(
    private readonly config: PerProblemCheckConfig,
    private readonly queries: Queries,
    private readonly versions: CheckVersions,
    private readonly weights: WeightHistory,
    defaults: CheckDefaults,
  ) {
    this.name =
      config.name ?? `rejected_verdicts by problem canary vs stable (sequential, α=${config.alpha})`;
    this.limits = config;
    this.noData = config.noData ?? defaults.noData;
  }

  measure(now: number, since: number): Measurement {
    return safely(this.name, now, () => {
      const { candidate, stable } = this.versions;
      if (this.measuredTo === undefined || this.measuredTo < since) {
        this.problems = new Map();
        this.seen = new Set();
        this.measuredTo = since;
      }
      for (const part of this.weights.split(this.measuredTo, now)) {
        const cs = this.queries.rejectedVerdictCountsByProblem(candidate, part.from, part.to);
        const bs = this.queries.rejectedVerdictCountsByProblem(stable, part.from, part.to);
        // Routing does not depend on the problem: the candidate's share of all verdicts in the interval is
        // its expected share on every problem (steadier than one problem's few verdicts, and never 0 or 1
        // just because a problem had one submission).
        let ct = 0;
        let bt = 0;
        for (const c of cs.values()) ct += c.requests;
        for (const b of bs.values()) bt += b.requests;
        if (ct === 0 || bt === 0) continue;
        const share = ct / (ct + bt);
        for (const [problem, c] of cs) {
          const b = bs.get(problem);
          if (!b) continue;
          this.seen.add(problem);
          if (c.requests + b.requests === 0) continue;
          const p = this.state(problem);
          p.c.errors += c.errors;
          p.c.requests += c.requests;
          p.b.errors += b.errors;
          p.b.requests += b.requests;
          p.intervals.push({ ec: c.errors, eb: b.errors, share });
        }
      }
      this.measuredTo = now;
      // m counts every problem with a series on both versions, with verdicts or not, so that it does not
      // grow with the data: the judge service's zero-initialised series make it the corpus from the first scrape.
      const m = this.seen.size;
      const looked = [...this.problems.values()].filter((p) => p.c.requests > 0 && p.b.requests > 0);
      if (looked.length === 0)
        return noDataMeasurement(
          this.name,
          now,
          this.noData,
          `no verdicts by problem on both ${candidate} and ${stable} yet`,
        );
      let worst: { problem: string; p: ProblemState; o: number } | undefined;
      let failing: typeof worst;
      for (const [problem, p] of this.problems) {
        if (p.c.requests === 0 || p.b.requests === 0) continue;
        const evidence = sequentialEvidence(p.intervals, this.config.prior);
        if (!evidence) continue;
        const o = Math.exp(evidence.lnO);
        if (evidence.canaryWorse) p.minP = Math.min(p.minP, 1 / o);
        if (!worst || p.minP < worst.p.minP) worst = { problem, p, o };
        const fails =
          evidence.canaryWorse && o >= m / this.config.alpha && p.c.errors >= this.config.minRejected;
        if (fails && (!failing || p.minP < failing.p.minP)) failing = { problem, p, o };
      }
      const shown = (w: NonNullable<typeof worst>) =>
        `${w.problem}: ${candidate} rejected ${w.p.c.errors} of ${w.p.c.requests} verdicts vs ${stable} ${w.p.b.errors} of ${w.p.b.requests}; O = ${fmt(w.o)}, always-valid p × ${m} problems = ${fmt(Math.min(1, w.p.minP * m))}`;
      if (failing) {
        return {
          check: this.name,
          at: now,
          phase: 'failed',
          value: Math.min(1, failing.p.minP * m),
          message: `${shown(failing)} <= α ${this.config.alpha}: canary rejects more on ${failing.problem}`,
        };
      }
      // No rejected verdict on any problem is evidence of nothing wrong, not missing data.
      if (!worst)
        return {
          check: this.name,
          at: now,
          phase: 'successful',
          value: 1,
          message: `no rejected verdicts on ${m} problems yet; p = 1`,
        };
      return {
        check: this.name,
        at: now,
        phase: 'successful',
        value: Math.min(1, worst.p.minP * m),
        message: `worst of ${m} problems ${shown(worst)}`,
      };
    });
  }

  private state(problem: string): ProblemState {
    let p = this.problems.get(problem);
    if (!p) {
      p = { intervals: [], minP: 1, c: { errors: 0, requests: 0 }, b: { errors: 0, requests: 0 } };
      this.problems.set(problem, p);
    }
    return p;
  }
}
