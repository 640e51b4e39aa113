/** One step of a release plan, as the controller executes it. */
export type Action =
  | { kind: 'deploy'; version: string; replicas: number }
  | { kind: 'setWeight'; weight: number }
  | { kind: 'pause'; ms: number }
  | { kind: 'analyze'; ms: number }
  | { kind: 'promote' };

/** A line for `rehearse plan`. */
export function describeAction(action: Action, candidate: string, stable: string): string {
  switch (action.kind) {
    case 'deploy':
      return `deploy ${action.version} (${action.replicas} instance${action.replicas === 1 ? '' : 's'})`;
    case 'setWeight':
      return `route ${action.weight}% to ${candidate}, ${100 - action.weight}% to ${stable}`;
    case 'pause':
      return `hold for ${action.ms / 1000}s (analysis keeps running)`;
    case 'analyze':
      return `analyze for ${action.ms / 1000}s; every check must pass at least once`;
    case 'promote':
      return `promote ${candidate}: 100% of traffic`;
  }
}
