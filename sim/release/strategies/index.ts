import { z } from 'zod';
import type { Action } from '../actions.js';
import { canarySchema, planCanary } from './canary.js';

/** Any strategy's configuration, discriminated by `type`. */
export const strategySchema = z.discriminatedUnion('type', [canarySchema]);

/** A strategy's configuration after defaults. */
export type StrategyConfig = z.output<typeof strategySchema>;

/** Every strategy by name: how it turns its configuration into a plan. */
export const strategies = {
  canary: planCanary,
} as const;

/** A strategy's name. */
export type StrategyType = keyof typeof strategies;

/** The release plan of a strategy. */
export function planStrategy(config: StrategyConfig, candidate: { version: string; replicas: number }): Action[] {
  return strategies[config.type](config, candidate);
}
