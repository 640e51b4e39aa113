/** How a release ended: the controller's decision (`aborted`: the rehearsal ended before the release finished). */
export type Outcome = 'promoted' | 'rolled-back' | 'paused' | 'aborted';
