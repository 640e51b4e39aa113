import { routerMetrics } from '../monitor/metric-names.js';
import { parsePromText } from '../monitor/prom-text.js';
import { type NetworkFault, NO_FAULT } from '../router/route-table.js';
import type { RouterClient } from '../router-client/client.js';
import type { FaultCheck, FaultContext, InjectedFault } from './fault.js';
import { eventually } from './probes.js';

const NONE: NetworkFault = NO_FAULT;

/**
 * Evidence a router-injected service fault leaves: its marker counted in `rehearsal_router_injected_faults_total`
 * for the version, which must rise within `withinMs` of the verification (traffic runs meanwhile).
 */
export interface RouterEvidence {
  /** The `fault` label (the `x-rehearsal-fault` marker). */
  fault: string;
  withinMs: number;
}

/** The router's count of responses it shaped for `fault` on `version` (0 before the first). */
export async function injectedCount(client: RouterClient, version: string, fault: string): Promise<number> {
  return parsePromText(await client.metricsText())
    .filter(
      (s) =>
        s.name === routerMetrics.injectedFaults && s.labels.version === version && s.labels.fault === fault,
    )
    .reduce((sum, s) => sum + s.value, 0);
}

/**
 * Sets fields of the router's network fault for the target version (through the RouteEditor, so no
 * other edit is lost), verifies them by reading `GET /routes` back (and, for a service fault the router injects,
 * by its counter rising), and resets only its own fields.
 */
export async function injectNetwork(
  ctx: FaultContext,
  fields: Partial<NetworkFault>,
  evidence?: RouterEvidence,
): Promise<InjectedFault> {
  const { version, router } = ctx;
  const baseline = evidence && (await injectedCount(router.client, version, evidence.fault));
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
      if (off.length > 0)
        return {
          ok: false,
          detail: `router GET /routes shows faults.${version} = ${JSON.stringify(live ?? null)}, expected ${shown}`,
        };
      const readBack = `router GET /routes shows faults.${version} ${shown}`;
      if (evidence === undefined || baseline === undefined) return { ok: true, detail: readBack };
      const series = `${routerMetrics.injectedFaults}{version="${version}",fault="${evidence.fault}"}`;
      let now = baseline;
      const rose = await eventually(
        async () => {
          now = await injectedCount(router.client, version, evidence.fault);
          return now > baseline;
        },
        evidence.withinMs,
        ctx.clock,
      );
      return rose
        ? { ok: true, detail: `${readBack}, and ${series} rose by ${now - baseline}` }
        : {
            ok: false,
            detail: `${readBack}, but ${series} did not rise within ${evidence.withinMs / 1000}s: ${version} took no matching traffic meanwhile`,
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
