import { z } from 'zod';
import {
  type DeployResult,
  type Fault,
  type FaultCheck,
  faultBase,
  type InjectedFault,
  noFault,
} from './fault.js';

/** Configuration of `crash-on-start`. */
export const crashOnStartSchema = z.strictObject({ type: z.literal('crash-on-start'), ...faultBase });

/**
 * The target's instances exit during start-up (toggle `crashAtStart`, passed at deploy time): the
 * version never becomes ready. `at` and `share` do not apply: the fault acts on every replica at deploy.
 */
export class CrashOnStartFault implements Fault {
  constructor(readonly config: z.output<typeof crashOnStartSchema>) {}

  describe(): string {
    return `${this.config.target} exits during start-up and never becomes ready`;
  }

  startToggles(): Record<string, unknown> {
    return { crashAtStart: true };
  }

  verifyStart(result: DeployResult): FaultCheck {
    if (result.deployment)
      return {
        ok: false,
        detail: `${result.deployment.version} started and became ready despite crashAtStart`,
      };
    return /start-up|crash/i.test(result.error)
      ? { ok: true, detail: `the deployment failed as meant: ${result.error.split('\n')[0]}` }
      : {
          ok: false,
          detail: `the deployment failed, but not by crashing at start: ${result.error.split('\n')[0]}`,
        };
  }

  async inject(): Promise<InjectedFault> {
    return noFault;
  }
}
