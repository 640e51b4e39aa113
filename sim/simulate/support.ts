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
    if (c.kind === 'threshold' && c.metric === undefined)
      return `check ${c.name ?? `query ${c.query}`} is PromQL, and a simulation has no Prometheus: only built-in metrics (metric:) are simulated (with monitoring.source prometheus they mean their default PromQL)`;
    if (c.kind === 'threshold' && c.metric !== undefined && !metricCatalog[c.metric].simulated)
      return `check metric ${c.metric} has no simulation model (modelled: ${simulatedMetrics.join(', ')})`;
  }
  return unsupportedFaults(scenario);
}
