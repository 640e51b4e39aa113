import { z } from 'zod';
import type { Action } from '../actions.js';
import { blueGreenSchema, planBlueGreen } from './blue-green.js';
import { canarySchema, planCanary } from './canary.js';
import { planRolling, rollingSchema } from './rolling.js';
import { planSegment, segmentSchema } from './segment.js';

/** Any strategy's configuration, discriminated by `type`. */
export const strategySchema = z.discriminatedUnion('type', [
  canarySchema,
  blueGreenSchema,
  rollingSchema,
  segmentSchema,
]);

/** A strategy's configuration after defaults. */
export type StrategyConfig = z.output<typeof strategySchema>;

/** Every strategy by name: how it turns its configuration into a plan. */
export const strategies = {
  canary: planCanary,
  'blue-green': planBlueGreen,
  rolling: planRolling,
  segment: planSegment,
} as const;

/** A strategy's name. */
export type StrategyType = keyof typeof strategies;

/** The release plan of a strategy. */
export function planStrategy(
  config: StrategyConfig,
  candidate: { version: string; replicas: number },
): Action[] {
  const plan = strategies[config.type] as (
    c: StrategyConfig,
    k: { version: string; replicas: number },
  ) => Action[];
  return plan(config, candidate);
}

/** The pool name of a strategy's baseline of stable, when it runs one. */
export function baselinePool(config: StrategyConfig, stable: string): string | undefined {
  return config.type === 'canary' && config.baseline ? `${stable}-baseline` : undefined;
}
