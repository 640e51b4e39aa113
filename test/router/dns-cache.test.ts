import type { LookupAddress } from 'node:dns';
import { describe, expect, it } from 'vitest';
import { cachedLookup } from '../../sim/router/dns-cache.js';

const resolve = (all: boolean) =>
  new Promise<string | LookupAddress[]>((ok, fail) =>
    cachedLookup('localhost', { all }, (err, address) => (err ? fail(err) : ok(address))),
  );

describe('cached DNS lookup for upstream connections', () => {
  it('answers in both the single-address and the all-addresses form, the same before and after caching', async () => {
    const first = await resolve(true);
    expect(Array.isArray(first) && first.length > 0).toBe(true);
    const single = await resolve(false);
    expect(typeof single).toBe('string');
    expect(single).toBe((first as LookupAddress[])[0]!.address);
    expect(await resolve(true)).toEqual(first);
  });

  it('passes a failed lookup through as an error', async () => {
    const err = await new Promise<NodeJS.ErrnoException | null>((ok) =>
      cachedLookup('no-such-host.invalid', {}, (e) => ok(e)),
    );
    expect(err?.code).toMatch(/ENOTFOUND|EAI_AGAIN/);
  });
});
