import { z } from 'zod';
import type { Fault } from './fault.js';
import { HttpErrorsFault, httpErrorsSchema } from './http-errors-fault.js';

/** Every fault kind by name, with its schema and class; the YAML enum and the types derive from it. */
export const faultKinds = {
  'http-errors': { schema: httpErrorsSchema, create: (c: z.output<typeof httpErrorsSchema>) => new HttpErrorsFault(c) },
} as const;

/** A fault kind's name. */
export type FaultType = keyof typeof faultKinds;

/** Any fault's configuration, discriminated by `type`. */
export const faultSchema = z.discriminatedUnion('type', [httpErrorsSchema]);

/** A fault's configuration after defaults. */
export type FaultConfig = z.output<typeof faultSchema>;

/** Builds the fault object for a configuration. */
export function createFault(config: FaultConfig): Fault {
  const kind = faultKinds[config.type];
  return kind.create(config as never);
}

export type { Fault, FaultContext, InjectedFault, FaultCheck } from './fault.js';
