import { LATENCY_BUCKETS } from '../router/metrics.js';

/** The router histogram's bucket bounds as its `le` labels, +Inf last. */
export const LE = [...LATENCY_BUCKETS.map(String), '+Inf'];

type Labels = Record<string, string>;

/** Accepted and rejected verdict series labels of one problem (or of all, with no `problem` label). */
export interface VerdictLabels {
  accepted: Labels;
  rejected: Labels;
}

/**
 * The label objects of one simulated version's series, made once and reused by every scrape: the store knows
 * a series by its label object's identity, and a scrape builds no label or key.
 */
export class VersionLabels {
  /** Router latency buckets, in `LE` order. */
  readonly buckets: readonly Labels[];
  /** The judge service's verdict counter, all problems together. */
  readonly judged: VerdictLabels;
  /** The judge service's verdict counter per problem, in the problem mix's order. */
  readonly judgedByProblem: readonly VerdictLabels[];
  /** The judge service's POST /submissions counter, answered 201 and 500. */
  readonly submitOk: Labels;
  readonly submitFailed: Labels;
  private readonly codes = new Map<string, Labels>();

  constructor(
    private readonly version: string,
    problems: readonly string[] = [],
  ) {
    this.buckets = LE.map((le) => Object.freeze({ version, le }));
    this.judged = verdictLabels(version);
    this.judgedByProblem = problems.map((problem) => verdictLabels(version, problem));
    this.submitOk = submitLabels(version, '201');
    this.submitFailed = submitLabels(version, '500');
  }

  /** The router request counter's labels for answer `code`. */
  code(code: string): Labels {
    let labels = this.codes.get(code);
    if (!labels) {
      labels = Object.freeze({ version: this.version, code });
      this.codes.set(code, labels);
    }
    return labels;
  }
}

function verdictLabels(version: string, problem?: string): VerdictLabels {
  const of = (verdict: string): Labels => {
    const labels: Labels = { job: 'judge', version, verdict };
    if (problem !== undefined) labels.problem = problem;
    return Object.freeze(labels);
  };
  return { accepted: of('accepted'), rejected: of('rejected') };
}

function submitLabels(version: string, status: string): Labels {
  return Object.freeze({ job: 'judge', version, route: '/submissions', method: 'POST', status });
}
