import { RouterMetrics } from './metrics.js';
import { PoolSet } from './pools.js';
import { emptyRouteTable, type RouteTable } from './route-table.js';
import { VerdictRewrites } from './verdicts.js';

/** Everything the data plane and the admin API share: the live table, the pools and the metrics. */
export class RouterState {
  /** The route table in force; replaced as a whole. */
  table: RouteTable = emptyRouteTable();
  /** All metrics of this router. */
  readonly metrics = new RouterMetrics();
  /** Submissions whose verdicts the router flips (wrong-verdicts fault); kept across table changes. */
  readonly verdicts = new VerdictRewrites();
  /** Run-time pools built from the table. */
  readonly pools: PoolSet;

  constructor(
    /** Idle time after which an upstream request fails with kind `timeout`. */
    readonly upstreamTimeoutMs: number,
  ) {
    this.pools = new PoolSet(this.metrics, upstreamTimeoutMs);
  }

  /** Installs a validated table; removed instances start draining, routed versions get their series at 0. */
  setTable(table: RouteTable): void {
    this.table = table;
    this.metrics.route(table);
    this.pools.apply(table);
  }
}
