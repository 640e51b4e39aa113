import type { Scenario } from '../scenario/schema.js';

/**
 * Why the scenario's checks cannot be measured from its monitoring source, or undefined when they can: a
 * Prometheus answers threshold checks only (built-in metrics as their default PromQL, or `query:`), and a
 * PromQL `query:` needs a Prometheus. Asked before anything starts, so the error names the field.
 */
export function monitoringProblem(scenario: Scenario): string | undefined {
  const prometheus = scenario.monitoring.source === 'prometheus';
  const checks = scenario.strategy.analysis.checks;
  for (const [i, c] of checks.entries()) {
    const field = `strategy.analysis.checks[${i}]`;
    if (prometheus && c.kind !== 'threshold')
      return `${field}: a ${c.kind} check reads the built-in store and has no PromQL form; with monitoring.source prometheus only threshold checks ({ metric: … } or { query: … }) are measured`;
    if (!prometheus && c.kind === 'threshold' && c.query !== undefined)
      return `${field}.query: PromQL needs monitoring.source prometheus (rehearse run --prometheus, or monitoring.url); the built-in store answers only built-in metrics (metric:)`;
  }
  return undefined;
}
