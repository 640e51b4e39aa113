import { type LookupAddress, type LookupOptions, lookup } from 'node:dns';

const TTL_MS = 2000;
const cache = new Map<string, { addresses: LookupAddress[]; expires: number }>();

type Callback = (
  err: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;

/**
 * A `lookup` for net.connect that remembers answers for a few seconds. Upstreams named by host (Docker
 * container names, Kubernetes services) would otherwise pay a DNS round trip on every new connection,
 * which a freshly deployed version (all connections new) pays and a warm stable pool does not: that skews
 * latency comparisons between versions.
 */
export function cachedLookup(hostname: string, options: LookupOptions, callback: Callback): void {
  const hit = cache.get(hostname);
  const answer = (addresses: LookupAddress[]) => {
    if (options.all) callback(null, addresses);
    else callback(null, addresses[0]!.address, addresses[0]!.family);
  };
  if (hit && hit.expires > Date.now()) {
    answer(hit.addresses);
    return;
  }
  lookup(hostname, { ...options, all: true }, (err, addresses) => {
    if (err) return callback(err, options.all ? [] : '');
    cache.set(hostname, { addresses, expires: Date.now() + TTL_MS });
    answer(addresses);
  });
}
