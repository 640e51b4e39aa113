import { describe, expect, it } from 'vitest';
import { parsePromText } from '../../sim/monitor/prom-text.js';
import { bucketQuantile, Queries } from '../../sim/monitor/queries.js';
import { MetricStore } from '../../sim/monitor/store.js';

const scrape = (lines: string[]) => parsePromText(lines.join('\n'));

describe('prometheus text', () => {
  it('parses names, escaped labels, special values and skips comments', () => {
    const s = parsePromText('# HELP x y\n# TYPE x counter\nx{a="1",b="q\\"q"} 3\ny 4.5\nz{le="+Inf"} +Inf\n');
    expect(s).toEqual([
      { name: 'x', labels: { a: '1', b: 'q"q' }, value: 3 },
      { name: 'y', labels: {}, value: 4.5 },
      { name: 'z', labels: { le: '+Inf' }, value: Number.POSITIVE_INFINITY },
    ]);
  });
});

describe('metric store', () => {
  it('computes increases over a window, summing matching series and handling counter resets', () => {
    const store = new MetricStore();
    store.add(0, scrape(['r{version="v1",code="200"} 10', 'r{version="v1",code="500"} 1']));
    store.add(1000, scrape(['r{version="v1",code="200"} 20', 'r{version="v1",code="500"} 2']));
    store.add(2000, scrape(['r{version="v1",code="200"} 5', 'r{version="v1",code="500"} 2']));
    expect(store.increase('r', { version: 'v1' }, 0, 1000)).toBe(11);
    // reset between 1000 and 2000: the new value counts from zero
    expect(store.increase('r', { version: 'v1', code: '200' }, 1000, 2000)).toBe(5);
    expect(store.increase('r', { code: /^5/ }, 0, 2000)).toBe(1);
    expect(store.increase('r', { version: 'v9' }, 0, 2000)).toBeUndefined();
  });

  it('counts a series first seen inside the window from zero, and has no data after scrapes stop', () => {
    const store = new MetricStore();
    store.add(0, scrape(['r{version="v1"} 5']));
    store.add(1000, scrape(['r{version="v1"} 6', 'r{version="v2"} 3']));
    expect(store.increase('r', { version: 'v2' }, 500, 1500)).toBe(3);
    expect(store.increase('r', {}, 2000, 5000)).toBeUndefined();
  });
});

describe('queries', () => {
  it('interpolates quantiles within buckets like histogram_quantile', () => {
    const buckets: [number, number][] = [
      [0.1, 50],
      [0.2, 90],
      [0.4, 100],
      [Number.POSITIVE_INFINITY, 100],
    ];
    expect(bucketQuantile(0.5, buckets)).toBeCloseTo(0.1);
    expect(bucketQuantile(0.7, buckets)).toBeCloseTo(0.15);
    expect(bucketQuantile(0.95, buckets)).toBeCloseTo(0.3);
  });

  it('gives per-version error rate and p95 from router metrics, and no data without requests', () => {
    const store = new MetricStore();
    const at = (t: number, ok: number, bad: number, fast: number, slow: number) =>
      store.add(
        t,
        scrape([
          `rehearsal_router_requests_total{version="v2",upstream="a",code="200"} ${ok}`,
          `rehearsal_router_requests_total{version="v2",upstream="a",code="500"} ${bad}`,
          `rehearsal_router_request_duration_seconds_bucket{version="v2",le="0.05"} ${fast}`,
          `rehearsal_router_request_duration_seconds_bucket{version="v2",le="0.5"} ${fast + slow}`,
          `rehearsal_router_request_duration_seconds_bucket{version="v2",le="+Inf"} ${fast + slow}`,
        ]),
      );
    at(0, 0, 0, 0, 0);
    at(2000, 95, 5, 90, 10);
    const q = new Queries(store);
    expect(q.errorRate('v2', 0, 2000)).toEqual({ value: 0.05, requests: 100 });
    expect(q.latencyQuantile('v2', 0.95, 0, 2000)?.value).toBeCloseTo(275);
    expect(q.errorRate('v1', 0, 2000)).toBeUndefined();
    expect(q.errorRate('v2', 2000, 4000)).toBeUndefined();
  });
});

describe('metric store window sums', () => {
  // The increase over a window is the same number whether the store walks the window or subtracts running sums.
  const walk = (t: number[], v: number[], from: number, to: number) => {
    let prev = 0;
    let inc = 0;
    let seen = false;
    for (let i = 0; i < t.length; i++) {
      if (t[i]! > to) break;
      if (t[i]! > from) {
        inc += v[i]! >= prev ? v[i]! - prev : v[i]!;
        seen = true;
      }
      prev = v[i]!;
    }
    return seen ? inc : undefined;
  };

  it.each([
    ['whole counts with resets', [3, 7, 7, 2, 9, 9, 15, 1, 4]],
    ['whole counts never reset (the running increase is the value itself)', [0, 3, 7, 7, 12, 40]],
    ['a reset, then a fractional value (exact sums give way to the walk)', [5, 2, 4, 4.5, 6, 1]],
    [
      'fractional values (seconds), summed in window order',
      [0.1, 0.30000000000000004, 0.7, 0.2, 1.1, 1.9, 2.3],
    ],
  ])('%s: every window agrees with a walk over it', (_what, values) => {
    const store = new MetricStore();
    const labels = Object.freeze({ version: 'v1' });
    const t = values.map((_, i) => (i + 1) * 1000);
    for (const [i, value] of values.entries()) store.add(t[i]!, [{ name: 'x', labels, value }]);
    for (let from = 0; from <= t.length * 1000; from += 500)
      for (let to = from; to <= t.length * 1000 + 500; to += 500)
        expect(store.increase('x', labels, from, to), `(${from}, ${to}]`).toBe(walk(t, values, from, to));
  });

  it('answers a frozen match again after a new series appears', () => {
    const store = new MetricStore();
    const match = Object.freeze({ version: 'v1' });
    store.add(1000, [{ name: 'r', labels: { version: 'v1', code: '200' }, value: 5 }]);
    expect(store.increase('r', match, 0, 1000)).toBe(5);
    store.add(2000, [
      { name: 'r', labels: { version: 'v1', code: '200' }, value: 6 },
      { name: 'r', labels: { version: 'v1', code: '500' }, value: 2 },
    ]);
    expect(store.select('r', match)).toHaveLength(2);
    expect(store.increase('r', match, 1000, 2000)).toBe(3);
  });
});
