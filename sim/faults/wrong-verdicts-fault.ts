import { z } from 'zod';
import { pct } from '../util/format.js';
import { type Fault, type FaultContext, faultBase, type InjectedFault } from './fault.js';
import { injectNetwork } from './network-fault.js';
import type { FaultSimulation } from './simulation.js';
import { injectToggles } from './toggle-fault.js';

/** Configuration of `wrong-verdicts`. */
export const wrongVerdictsSchema = z.strictObject({
  type: z.literal('wrong-verdicts'),
  ...faultBase,
  /** Share of verdicts flipped (accepted ↔ not accepted). */
  rate: z.number().gt(0).max(1).default(1),
  /** Only these problems (ids under fixtures/problems); unset = all. */
  problems: z.array(z.string().min(1)).min(1).optional(),
});

/**
 * Simulated: the share of verdicts flipped, scaled by the share of instances that have the toggle; with
 * `problems`, only those problems' verdicts (the simulated service splits verdicts by problem then).
 */
export const wrongVerdictsSimulation: FaultSimulation<z.output<typeof wrongVerdictsSchema>> = {
  via: 'service',
  effect: (c, affected) => ({
    wrongVerdictRate: c.rate * affected,
    ...(c.problems ? { problems: c.problems } : {}),
  }),
};

/**
 * The target version judges wrongly and still answers HTTP 200 (toggles `wrongVerdictRate`,
 * `wrongVerdictProblems`): only business metrics (acceptance rate) can see it, never the error rate.
 */
export class WrongVerdictsFault implements Fault {
  readonly marker = 'wrong-verdict';
  /** A flipped verdict is shown by whichever instance answers the poll, whatever its version. */
  readonly markerScope = 'any' as const;

  constructor(readonly config: z.output<typeof wrongVerdictsSchema>) {}

  describe(): string {
    const on = this.config.problems ? `problems ${this.config.problems.join(', ')}` : 'every problem';
    return `${this.config.target} flips ${pct(this.config.rate, 0)} of verdicts on ${on}, with HTTP 200`;
  }

  inject(ctx: FaultContext): Promise<InjectedFault> {
    // A service without toggles: the router flips the verdicts of that share of the submissions created through
    // the target, in every answer about them (the scenario refuses `problems` there: tokens carry no problem).
    if (ctx.noToggles)
      return injectNetwork(
        ctx,
        { wrongVerdictRate: this.config.rate },
        { fault: this.marker, withinMs: 15_000 },
      );
    return injectToggles(ctx, this.config.share, {
      wrongVerdictRate: this.config.rate,
      ...(this.config.problems ? { wrongVerdictProblems: this.config.problems } : {}),
    });
  }
}
