/** The phase of one measurement, as in Argo Rollouts' AnalysisRun. */
export type Phase = 'successful' | 'failed' | 'inconclusive' | 'error';

/** One evaluation of one check. Checks return these; they never throw. */
export interface Measurement {
  check: string;
  /** Time of the measurement, ms from the start of traffic. */
  at: number;
  phase: Phase;
  value?: number;
  /** Requests the value rests on. */
  requests?: number;
  message: string;
}
