import type { Scenario } from '../scenario/schema.js';
import { unsupportedFaults } from './simulated-faults.js';

/** Metrics the simulator produces: the router's request counters and latency histogram, and the judge service's verdict counter. */
const modelledMetrics = new Set([
  'error_rate',
  'request_rate',
  'latency_p50_ms',
  'latency_p95_ms',
  'latency_p99_ms',
  'acceptance_rate',
  'submission_success_rate',
]);

/** Why the simulator cannot rehearse a scenario faithfully, or undefined when it can. */
export function unsupportedReason(scenario: Scenario): string | undefined {
  const strategy = scenario.strategy;
  if (strategy.type === 'canary') {
    if (strategy.baseline) return 'a canary with a fresh baseline has no simulation model yet';
    if (strategy.steps.some((s) => 'mirror' in s && s.mirror !== undefined))
      return 'mirrored (shadow) traffic has no simulation model yet';
  }
  for (const c of strategy.analysis.checks) {
    if (c.kind === 'threshold' && !modelledMetrics.has(c.metric))
      return `check metric ${c.metric} has no simulation model (modelled: ${[...modelledMetrics].join(', ')})`;
  }
  return unsupportedFaults(scenario);
}
