import type { ControllerResult } from '../release/controller.js';
import type { Scenario } from '../scenario/schema.js';
import { secs } from '../util/format.js';
import type { Classification, FaultOutcome, Harm } from '../vocabulary/rehearsal-verdict.js';

/** What the classification is derived from: harm (ground truth), the decision, and when each happened. */
export interface ClassifyInput {
  harm: Harm;
  outcome: ControllerResult['outcome'];
  /** When the release was decided (rollback or pause decision; promotion). */
  decidedAt?: number;
  /** Faults that should have acted and were not verified (those not reached are not among them). */
  unverified: FaultOutcome[];
  /** The earliest candidate fault the decision came before (it never acted). */
  notReachedAt?: number;
  versions: { stable: string; candidate: string };
}

/** A classification and the plain sentence that says why. */
export interface Classified {
  classification: Classification;
  why: string;
}

/**
 * Classifies a rehearsal from what users got, not from what its author expected:
 * caught = harmed, and rolled back or paused after the harm began; missed = harmed, and promoted or still
 * serving users at the end; false-rollback = rolled back without harm, or before the harm began;
 * promoted = not harmed, promoted; inconclusive = too little data, a fault not verified, or paused unharmed.
 */
export function classify(input: ClassifyInput): Classified {
  const { harm, outcome, decidedAt, versions } = input;
  const v2 = versions.candidate;
  const when = decidedAt !== undefined ? ` at ${secs(decidedAt)}` : '';
  const verb = outcome === 'paused' ? 'paused' : 'rolled back';
  if (input.unverified.length > 0)
    return {
      classification: 'inconclusive',
      why: `fault not verified: ${input.unverified.map((f) => f.type).join(', ')}`,
    };
  if (harm.verdict === 'too-little-data') return { classification: 'inconclusive', why: harm.evidence };
  if (harm.verdict === 'worse') {
    const hurt = `${v2} was worse for users (${harm.evidence})`;
    if (outcome === 'promoted') return { classification: 'missed', why: `${hurt} and was promoted` };
    if (outcome === 'aborted')
      return { classification: 'missed', why: `${hurt} and still served users when the rehearsal ended` };
    if (decidedAt !== undefined && harm.firstHarmAt !== undefined && decidedAt < harm.firstHarmAt)
      return {
        classification: 'false-rollback',
        why: `${verb}${when}, before the harm began at ${secs(harm.firstHarmAt)}`,
      };
    return { classification: 'caught', why: `${hurt} and was ${verb}${when}` };
  }
  if (outcome === 'promoted')
    return { classification: 'promoted', why: `${v2} no worse for users than ${versions.stable}, promoted` };
  if (outcome === 'rolled-back') {
    const before =
      input.notReachedAt !== undefined ? `, before ${v2}'s fault started at ${secs(input.notReachedAt)}` : '';
    return {
      classification: 'false-rollback',
      why: `rolled back${when}${before}, although ${v2} was no worse for users than ${versions.stable}`,
    };
  }
  return {
    classification: 'inconclusive',
    why: `${outcome === 'paused' ? 'paused' : 'ended undecided'}${when} with no harm seen`,
  };
}

/** The classifications the scenario's expectation agrees with: `expect.classification`, else implied by `expect.outcome`. */
export function expectedClassifications(expect: Scenario['expect']): Classification[] {
  if (expect.classification !== undefined) return [expect.classification];
  if (expect.outcome === 'promoted') return ['promoted'];
  if (expect.outcome === 'rolled-back') return ['caught'];
  // A pause is right both when it stops a harmful candidate and when monitoring is too blind to judge one.
  return ['caught', 'inconclusive'];
}

/** Faults the release never reached: due only after it was decided. Reworded, and not counted as unverified. */
export function markNotReached(
  faults: FaultOutcome[],
  scenario: Scenario,
  outcome: ControllerResult['outcome'],
  decidedAt: number | undefined,
): FaultOutcome[] {
  if (decidedAt === undefined || (outcome !== 'rolled-back' && outcome !== 'paused')) return faults;
  return faults.map((f, i) => {
    const due = f.injectedAt ?? scenario.faults[i]?.at;
    if (f.verified || due === undefined || due < decidedAt) return f;
    return { ...f, notReached: true, detail: `not reached (release decided at ${secs(decidedAt)})` };
  });
}
