import { z } from 'zod';
import { type Fault, type FaultContext, faultBase, type InjectedFault } from './fault.js';
import { injectToggles } from './toggle-fault.js';

/** Configuration of `slow-leaderboard`. */
export const slowLeaderboardSchema = z.strictObject({
  type: z.literal('slow-leaderboard'),
  ...faultBase,
  /** Extra milliseconds before each verdict and leaderboard update commits. */
  ms: z.number().int().gt(0).max(60_000).default(1500),
});

/** Verdicts and leaderboard updates commit late on the target (toggle `slowLeaderboardMs`): update lag grows. */
export class SlowLeaderboardFault implements Fault {
  constructor(readonly config: z.output<typeof slowLeaderboardSchema>) {}

  describe(): string {
    return `${this.config.target} delays each verdict and leaderboard update by ${this.config.ms} ms`;
  }

  inject(ctx: FaultContext): Promise<InjectedFault> {
    // The counter rises only when the instance judges something: with no traffic yet, the read-back must do.
    return injectToggles(ctx, this.config.share, { slowLeaderboardMs: this.config.ms });
  }
}
