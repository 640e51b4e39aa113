import { z } from 'zod';
import { type Fault, type FaultContext, faultBase, type InjectedFault } from './fault.js';
import { injectToggles } from './toggle-fault.js';

/** Configuration of `incompatible-migration`. */
export const incompatibleMigrationSchema = z.strictObject({
  type: z.literal('incompatible-migration'),
  ...faultBase,
});

/**
 * The target migrates the shared store to a schema older versions cannot read (toggle `schemaVersion: 2`).
 * Every other version then fails on the store: rolling back to them cannot restore service. A migration
 * cannot be undone, so revert leaves the store as it is (the point of the fault).
 */
export class IncompatibleMigrationFault implements Fault {
  readonly marker = 'schema-incompatible';
  /** The failures show on the other versions, not on the one that migrated. */
  readonly markerScope = 'any' as const;

  constructor(readonly config: z.output<typeof incompatibleMigrationSchema>) {}

  describe(): string {
    return `${this.config.target} migrates the shared store to schema 2, which older versions cannot read`;
  }

  async inject(ctx: FaultContext): Promise<InjectedFault> {
    const applied = await injectToggles(ctx, 1, { schemaVersion: 2 });
    return { verify: () => applied.verify(), revert: async () => undefined };
  }
}
