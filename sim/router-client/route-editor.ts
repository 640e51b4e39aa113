import { emptyRouteTable, type RouteTable } from '../router/route-table.js';
import type { RouterClient } from './client.js';

/** Anything the controller can edit the route table through: the live RouteEditor or a simulated router. */
export interface RouteTableSink {
  /** The table as last applied. */
  readonly current: RouteTable;
  /** Applies `edit` to a copy of the current table; edits run in call order. */
  update(edit: (table: RouteTable) => void): Promise<RouteTable>;
}

/**
 * The harness's single owner of the route table: every change (weights from the controller, network
 * faults, rules) is an edit of the current table, applied one at a time, so no edit overwrites another.
 * Like a Kubernetes Service's endpoints, the table the router gets leaves out instances marked not
 * ready (`setUnready`), while `current` keeps every instance the harness routes to.
 */
export class RouteEditor implements RouteTableSink {
  private table: RouteTable = emptyRouteTable();
  private unready = new Set<string>();
  private queue: Promise<unknown> = Promise.resolve();

  constructor(readonly client: RouterClient) {}

  /** The table as last applied, with every instance, ready or not. */
  get current(): RouteTable {
    return structuredClone(this.table);
  }

  /** Applies `edit` to a copy of the current table and PUTs it (without unready instances); edits run in call order. */
  update(edit: (table: RouteTable) => void): Promise<RouteTable> {
    const next = this.queue.then(async () => {
      const draft = structuredClone(this.table);
      edit(draft);
      await this.client.putRoutes(this.routable(draft));
      this.table = draft;
      return this.current;
    });
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** Sets the instances (`version/id`) the router must not send traffic to, and applies the change. */
  setUnready(servedBy: Iterable<string>): Promise<RouteTable> {
    return this.update(() => {
      this.unready = new Set(servedBy);
    });
  }

  /** The table without unready instances: what the router is given. */
  private routable(table: RouteTable): RouteTable {
    if (this.unready.size === 0) return table;
    const pools: RouteTable['pools'] = {};
    for (const [version, instances] of Object.entries(table.pools)) {
      pools[version] = instances.filter((i) => !this.unready.has(`${version}/${i.id}`));
    }
    return { ...table, pools };
  }
}
