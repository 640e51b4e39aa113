import { chooseVersion, SEGMENT_HEADER, USER_ID_HEADER } from '../router/choose.js';
import { emptyRouteTable, type RouteTable } from '../router/route-table.js';
import type { RouteTableSink } from '../router-client/route-editor.js';
import type { User } from '../traffic/users.js';
import type { SimulatedService } from './simulated-service.js';

/** A RouteTableSink that applies each edit to the simulated service: traffic up to now is generated with the old table first. */
export class SimulatedRouter implements RouteTableSink {
  private table: RouteTable = emptyRouteTable();

  constructor(
    private readonly service: SimulatedService,
    private readonly advance: () => void,
    /** The scenario's users (each request is from one of them, uniformly): needed for segment and bucket rules. */
    private readonly users: () => User[] = () => [],
  ) {}

  get current(): RouteTable {
    return copyTable(this.table);
  }

  async update(edit: (table: RouteTable) => void): Promise<RouteTable> {
    const draft = copyTable(this.table);
    edit(draft);
    this.advance();
    this.table = draft;
    const pools = Object.fromEntries(Object.entries(draft.pools).map(([v, list]) => [v, list.length]));
    this.service.setRoute(effectiveWeights(draft, this.users), pools);
    return this.current;
  }
}

/**
 * A deep copy of a route table, as the live editor's `structuredClone` makes: a table is plain data (objects,
 * arrays, strings, numbers, booleans), and structuredClone's fixed cost was a share of every simulated run.
 */
function copyTable<T>(value: T): T {
  if (Array.isArray(value)) return value.map(copyTable) as T;
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) out[key] = copyTable((value as Record<string, unknown>)[key]);
  return out as T;
}

/**
 * The share of user traffic each version gets under a table. Without user rules or stickiness it is
 * the weights. Otherwise each user goes through the router's own choice (segment and bucket rules,
 * then the sticky draw on the user id), and a version's share is the share of users it gets. Header
 * and cookie rules select preview traffic, which users never send.
 */
export function effectiveWeights(table: RouteTable, users: () => User[]): Record<string, number> {
  const userRules = table.rules.filter((r) => 'segment' in r || 'bucket' in r);
  if (userRules.length === 0 && !table.sticky) return table.weights;
  const population = users();
  if (population.length === 0) return table.weights;
  const routing = { ...table, rules: userRules };
  const shares: Record<string, number> = Object.fromEntries(Object.keys(table.pools).map((v) => [v, 0]));
  for (const u of population) {
    const version = chooseVersion(routing, { [USER_ID_HEADER]: u.id, [SEGMENT_HEADER]: u.segment });
    if (version !== null) shares[version] = (shares[version] ?? 0) + 1;
  }
  return shares;
}
