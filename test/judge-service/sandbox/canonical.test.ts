import vm from 'node:vm';
import { describe, expect, it } from 'vitest';
import { encode } from '../../../fixtures/judge-service/src/sandbox/canonical.js';

// Values made in another realm, as a submission's are.
const other = (code: string) => vm.runInNewContext(code);

describe('encode', () => {
  it('encodes plain data as JSON.stringify does, with sorted keys', () => {
    for (const v of [
      [0, 1],
      'a"b',
      3.5,
      -0,
      true,
      null,
      [[1, 2], []],
      ['x', null, 1e21],
      { a: [1, { b: 2 }] },
    ])
      expect(encode(v, 1000)).toEqual({ ok: true, text: JSON.stringify(v) });
    expect(encode({ b: 1, a: 2 }, 1000)).toEqual({ ok: true, text: '{"a":2,"b":1}' });
    expect(encode([Number.NaN, undefined, () => 1, Symbol('s')], 1000)).toEqual({
      ok: true,
      text: '[null,null,null,null]',
    });
    expect(encode({ u: undefined, f() {} }, 1000)).toEqual({ ok: true, text: '{}' });
  });

  it('ignores toJSON, Symbol.toPrimitive, iterators and prototypes of the other realm', () => {
    const v = other(`Array.prototype.toJSON = () => 'same'; Object.prototype.toJSON = () => 'same';
      Array.prototype[Symbol.iterator] = function* () { yield 7; }; Object.prototype.inherited = 1;
      const a = [1, 2]; a[Symbol.toPrimitive] = () => 'x'; a`);
    expect(encode(v, 1000)).toEqual({ ok: true, text: '[1,2]' });
  });

  it('refuses proxies and accessors without running them', () => {
    let ran = 0;
    const trap = () => {
      ran++;
      return 0;
    };
    const proxy = new Proxy([0, 1], {
      get: trap,
      ownKeys: trap as never,
      getOwnPropertyDescriptor: trap as never,
    });
    expect(encode(proxy, 1000)).toMatchObject({ ok: false, reason: 'not-data' });
    expect(encode([0, proxy], 1000)).toMatchObject({ ok: false, reason: 'not-data' });
    const getter = Object.defineProperty([0, 0], 1, { get: trap, enumerable: true });
    expect(encode(getter, 1000)).toMatchObject({ ok: false, message: expect.stringMatching(/getter/) });
    expect(
      encode(
        {
          get x() {
            return trap();
          },
        },
        1000,
      ),
    ).toMatchObject({ ok: false });
    expect(ran).toBe(0);
  });

  it('bounds size and depth, and refuses BigInt', () => {
    expect(encode('x'.repeat(2000), 1000)).toMatchObject({ ok: false, reason: 'too-large' });
    const sparse: unknown[] = [];
    sparse.length = 2 ** 32 - 1;
    expect(encode(sparse, 1000)).toMatchObject({ ok: false, reason: 'too-large' });
    const cycle: unknown[] = [1];
    cycle.push(cycle);
    expect(encode(cycle, 1e6)).toMatchObject({ ok: false, reason: 'not-data' });
    expect(encode([1n], 1000)).toMatchObject({ ok: false, message: expect.stringMatching(/BigInt/) });
  });
});
