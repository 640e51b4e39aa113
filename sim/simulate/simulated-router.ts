import type { RouteTableSink } from '../router/route-editor.js';
import { emptyRouteTable, type RouteTable } from '../router/route-table.js';
import type { SimulatedService } from './simulated-service.js';

/** A RouteTableSink that applies each edit to the simulated service: traffic up to now is generated with the old table first. */
export class SimulatedRouter implements RouteTableSink {
  private table: RouteTable = emptyRouteTable();

  constructor(
    private readonly service: SimulatedService,
    private readonly advance: () => void,
  ) {}

  get current(): RouteTable {
    return structuredClone(this.table);
  }

  async update(edit: (table: RouteTable) => void): Promise<RouteTable> {
    const draft = structuredClone(this.table);
    edit(draft);
    this.advance();
    this.table = draft;
    const pools = Object.fromEntries(Object.entries(draft.pools).map(([v, list]) => [v, list.length]));
    this.service.setRoute(draft.weights, pools);
    return this.current;
  }
}
