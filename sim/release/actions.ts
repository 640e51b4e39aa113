/** How a manual gate is approved in a rehearsal: at once, after a delay, once analysis passes, or never. */
export type ApproveRule =
  | { kind: 'auto' }
  | { kind: 'after'; ms: number }
  | { kind: 'when-passing'; timeoutMs: number }
  | { kind: 'reject' };

/** One step of a release plan, as the controller executes it. */
export type Action =
  | { kind: 'deploy'; version: string; replicas: number }
  | { kind: 'deployBaseline'; replicas: number }
  | { kind: 'setWeight'; weight: number }
  | { kind: 'pause'; ms: number }
  | { kind: 'analyze'; ms: number }
  | { kind: 'approve'; gate: string; rule: ApproveRule }
  | { kind: 'mirror'; percent: number }
  | { kind: 'preview'; on: boolean }
  | { kind: 'segments'; segments: string[]; bucket: number }
  | { kind: 'roll'; candidateReplicas: number; unavailable: number; progressDeadlineMs: number }
  | { kind: 'promote' }
  | { kind: 'retireStable'; afterMs: number };

/** A line for `rehearse plan`. */
export function describeAction(action: Action, candidate: string, stable: string): string {
  switch (action.kind) {
    case 'deploy':
      return `deploy ${action.version} (${action.replicas} instance${action.replicas === 1 ? '' : 's'})`;
    case 'deployBaseline':
      return `deploy a baseline of ${stable} (${action.replicas} instance${action.replicas === 1 ? '' : 's'}, the canary's size)`;
    case 'setWeight':
      return `route ${action.weight}% to ${candidate}, ${100 - action.weight}% to ${stable}`;
    case 'pause':
      return `hold for ${action.ms / 1000}s (analysis keeps running)`;
    case 'analyze':
      return `analyze for ${action.ms / 1000}s; every check must pass at least once`;
    case 'approve':
      return `manual gate "${action.gate}": ${describeRule(action.rule)} (analysis keeps running while it waits)`;
    case 'mirror':
      return action.percent > 0
        ? `mirror ${action.percent}% of requests to ${candidate} (responses discarded)`
        : 'stop mirroring';
    case 'preview':
      return action.on
        ? `preview: requests with x-rehearsal-route: ${candidate} go to ${candidate}; smoke traffic starts`
        : 'preview ends';
    case 'segments':
      return `route ${[...action.segments.map((s) => `${s} users`), ...(action.bucket > 0 ? [`user-id buckets 0–${action.bucket - 1}`] : [])].join(', ') || 'nobody'} to ${candidate} (sticky per user)`;
    case 'roll':
      return `rolling batch: ${candidate} to ${action.candidateReplicas} instance(s) (${action.unavailable} ${stable} taken out first), each ready within ${action.progressDeadlineMs / 1000}s`;
    case 'promote':
      return `promote ${candidate}: 100% of traffic`;
    case 'retireStable':
      return `keep ${stable} warm for ${action.afterMs / 1000}s, then scale it down`;
  }
}

function describeRule(rule: ApproveRule): string {
  switch (rule.kind) {
    case 'auto':
      return 'approved automatically';
    case 'after':
      return `approved after ${rule.ms / 1000}s`;
    case 'when-passing':
      return `approved when a round passes, paused after ${rule.timeoutMs / 1000}s`;
    case 'reject':
      return 'rejected (the release rolls back)';
  }
}
