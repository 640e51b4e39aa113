/** Exit codes of `rehearse`, as documented in the README. */
export const ExitCode = {
  ok: 0,
  rehearsalFailed: 1,
  invalidScenario: 2,
  platformUnavailable: 3,
  interrupted: 4,
} as const;

/** An error a user can act on: what went wrong, what to do next, and the exit code it maps to. */
export class RehearsalError extends Error {
  constructor(
    message: string,
    readonly hint: string,
    readonly exitCode: number = ExitCode.rehearsalFailed,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'RehearsalError';
  }
}

/** Raised when scenario files are invalid; carries every problem found. */
export class ScenarioError extends RehearsalError {
  constructor(readonly problems: string[]) {
    super(
      problems.join('\n'),
      'fix the scenario file(s) above; `rehearse validate` checks them without running anything',
      ExitCode.invalidScenario,
    );
    this.name = 'ScenarioError';
  }
}

/** Raised when the chosen platform cannot be used on this machine. */
export class PlatformUnavailableError extends RehearsalError {
  constructor(message: string, hint: string, options?: { cause?: unknown }) {
    super(message, hint, ExitCode.platformUnavailable, options);
    this.name = 'PlatformUnavailableError';
  }
}

/** The message of any thrown value. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
