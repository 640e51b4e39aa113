import { metricCatalog, metricNames } from '../monitor/metrics.js';
import type { Scenario } from '../scenario/schema.js';
import { unsupportedFaults } from './simulated-faults.js';

/** The metrics the simulator produces, in catalogue order. */
const simulatedMetrics = metricNames.filter((m) => metricCatalog[m].simulated);

/** Why the simulator cannot rehearse a scenario faithfully, or undefined when it can. */
export function unsupportedReason(scenario: Scenario): string | undefined {
  const strategy = scenario.strategy;
  if (strategy.type === 'canary') {
    if (strategy.baseline) return 'a canary with a fresh baseline has no simulation model yet';
    if (strategy.steps.some((s) => 'mirror' in s && s.mirror !== undefined))
      return 'mirrored (shadow) traffic has no simulation model yet';
  }
  for (const c of strategy.analysis.checks) {
    if (c.kind === 'threshold' && !metricCatalog[c.metric].simulated)
      return `check metric ${c.metric} has no simulation model (modelled: ${simulatedMetrics.join(', ')})`;
  }
  return unsupportedFaults(scenario);
}
