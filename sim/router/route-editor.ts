import type { RouterClient } from './client.js';
import { type RouteTable, emptyRouteTable } from './route-table.js';

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
 */
export class RouteEditor implements RouteTableSink {
  private table: RouteTable = emptyRouteTable();
  private queue: Promise<unknown> = Promise.resolve();

  constructor(readonly client: RouterClient) {}

  /** The table as last applied. */
  get current(): RouteTable {
    return structuredClone(this.table);
  }

  /** Applies `edit` to a copy of the current table and PUTs it; edits run in call order. */
  update(edit: (table: RouteTable) => void): Promise<RouteTable> {
    const next = this.queue.then(async () => {
      const draft = structuredClone(this.table);
      edit(draft);
      await this.client.putRoutes(draft);
      this.table = draft;
      return this.current;
    });
    this.queue = next.catch(() => undefined);
    return next;
  }
}
