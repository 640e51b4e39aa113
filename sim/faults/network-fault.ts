import { type NetworkFault, NO_FAULT } from '../router/route-table.js';
import type { FaultCheck, FaultContext, InjectedFault } from './fault.js';

const NONE: NetworkFault = NO_FAULT;

/**
 * Sets fields of the router's network fault for the target version (through the RouteEditor, so no
 * other edit is lost), verifies them by reading `GET /routes` back, and resets only its own fields.
 */
export async function injectNetwork(
  ctx: FaultContext,
  fields: Partial<NetworkFault>,
): Promise<InjectedFault> {
  const { version, router } = ctx;
  await router.update((t) => {
    t.faults[version] = { ...NONE, ...t.faults[version], ...fields };
  });
  const shown = Object.entries(fields)
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(' ');
  return {
    verify: async (): Promise<FaultCheck> => {
      const live = (await router.client.getRoutes()).faults[version];
      const off = Object.entries(fields).filter(([k, v]) => live?.[k as keyof NetworkFault] !== v);
      return off.length === 0
        ? { ok: true, detail: `router GET /routes shows faults.${version} ${shown}` }
        : {
            ok: false,
            detail: `router GET /routes shows faults.${version} = ${JSON.stringify(live ?? null)}, expected ${shown}`,
          };
    },
    revert: async () => {
      await router.update((t) => {
        const current = t.faults[version];
        if (!current) return;
        const next = {
          ...current,
          ...Object.fromEntries(Object.keys(fields).map((k) => [k, NONE[k as keyof NetworkFault]])),
        };
        if (JSON.stringify(next) === JSON.stringify(NONE)) delete t.faults[version];
        else t.faults[version] = next;
      });
    },
  };
}
