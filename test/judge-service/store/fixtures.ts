import type { FinalResult } from '../../../fixtures/judge-service/src/store/store.js';
import type { Verdict } from '../../../fixtures/judge-service/src/verdicts.js';

/** A verdict as the judge loop commits it. */
export const result = (verdict: Verdict): FinalResult => ({
  verdict,
  message: '',
  timeMs: 1,
  memoryKb: 1,
  fault: null,
  judgedBy: 'v1',
  judgedInstance: 'i',
});
/** A new submission of `userId`. */
export const sub = (userId = 'u') => ({
  problemId: 'two-sum',
  userId,
  languageId: 63,
  source: 'x',
  receivedBy: 'v1',
});
