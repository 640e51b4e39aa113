/** The verdicts a corpus solution is labelled with (and a traffic mix can ask for). */
export const verdicts = [
  'accepted',
  'wrong-answer',
  'time-limit',
  'memory-limit',
  'runtime-error',
  'compilation-error',
] as const;
/** A verdict a corpus solution is labelled with (and a traffic mix can ask for). */
export type VerdictName = (typeof verdicts)[number];
/** Every verdict the judge service can return: the labelled ones, plus its own failure (never expected). */
export const returnedVerdicts = [...verdicts, 'internal-error'] as const;
/** A verdict the judge service returned. */
export type ReturnedVerdict = (typeof returnedVerdicts)[number];
