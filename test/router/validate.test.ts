import { describe, expect, it } from 'vitest';
import { NO_FAULT } from '../../sim/router/route-table.js';
import { validateRouteTable } from '../../sim/router/validate.js';

const pools = { v1: [{ id: 'v1-0', url: 'http://127.0.0.1:41001' }], v2: [] };

describe('validateRouteTable', () => {
  it('accepts the README example and fills defaults', () => {
    const example = {
      pools,
      weights: { v1: 90, v2: 10 },
      rules: [
        { header: { name: 'x-rehearsal-route', value: 'v2' }, version: 'v2' },
        { segment: 'internal', version: 'v2' },
        { bucket: [0, 25], version: 'v2' },
        { cookie: { name: 'canary', value: '1' }, version: 'v2' },
      ],
      sticky: false,
      mirror: { version: 'v2', percent: 100 },
      faults: {
        v2: {
          latencyMs: 200,
          resetRate: 0.1,
          partition: false,
          bandwidthKbps: 0,
          errorRate: 0,
          delayMs: 0,
          delayRate: 0,
          wrongVerdictRate: 0,
        },
      },
    };
    const result = validateRouteTable(example);
    expect(result).toEqual({ ok: true, table: example });
    const minimal = validateRouteTable({ pools, weights: { v1: 100 }, faults: { v1: { latencyMs: 5 } } });
    expect(minimal).toEqual({
      ok: true,
      table: {
        pools,
        weights: { v1: 100 },
        rules: [],
        sticky: false,
        mirror: null,
        faults: { v1: { ...NO_FAULT, latencyMs: 5 } },
      },
    });
  });

  it('rejects a non-object with one clear problem', () => {
    expect(validateRouteTable([1])).toEqual({
      ok: false,
      problems: ['route table must be a JSON object, got [1]'],
    });
  });

  it('lists every problem at once, each with its path', () => {
    const result = validateRouteTable({
      pools: {
        v1: [
          { id: 'a', url: 'ftp://x' },
          { id: 'a', url: 'http://127.0.0.1:1', port: 3 },
        ],
        'bad name': 'x',
      },
      weights: { v1: -1, v9: 5 },
      rules: [
        { version: 'v1' },
        { segment: '', bucket: [50, 20], version: 'v7' },
        { header: { name: 'x' }, version: 'v1' },
      ],
      sticky: 'yes',
      mirror: { version: 'nope', percent: 120 },
      faults: {
        v1: {
          latencyMs: -5,
          resetRate: 2,
          partition: 'no',
          bandwidthKbps: 'x',
          jitter: 1,
          wrongVerdictRate: -1,
        },
        v2: { delayRate: 0.5 },
      },
      extra: true,
    });
    expect(result.ok).toBe(false);
    const problems = result.ok ? [] : result.problems;
    expect(problems).toEqual([
      'extra is not a known field; valid fields: pools, weights, rules, sticky, mirror, faults',
      'pools.v1[0].url must be an http:// URL, got "ftp://x"',
      'pools.v1[1].port is not a known field; valid fields: id, url',
      'pools.v1[1].id "a" is used twice in pool v1',
      'pools.bad name: version name must match ^[A-Za-z0-9][A-Za-z0-9._-]*$',
      'pools.bad name must be an array of {id, url}, got "x"',
      'weights.v1 must be a number >= 0, got -1',
      'weights.v9 must name a version in pools (v1, bad name), got "v9"',
      'rules[0] must have exactly one of header, cookie, segment, bucket, got 0',
      'rules[1] must have exactly one of header, cookie, segment, bucket, got 2',
      'rules[1].version must name a version in pools (v1, bad name), got "v7"',
      'rules[1].segment must be a non-empty string, got ""',
      'rules[1].bucket must be [lo, hi) with integers 0 <= lo < hi <= 100, got [50,20]',
      'rules[2].header must be {name: non-empty string, value: string}, got {"name":"x"}',
      'sticky must be true or false, got "yes"',
      'mirror.version must name a version in pools (v1, bad name), got "nope"',
      'mirror.percent must be a number 0-100, got 120',
      'faults.v1.jitter is not a known field; valid fields: latencyMs, resetRate, partition, bandwidthKbps, errorRate, delayMs, delayRate, wrongVerdictRate',
      'faults.v1.latencyMs must be a number >= 0, got -5',
      'faults.v1.resetRate must be a probability 0-1, got 2',
      'faults.v1.wrongVerdictRate must be a probability 0-1, got -1',
      'faults.v1.partition must be true or false, got "no"',
      'faults.v1.bandwidthKbps must be a number >= 0 (0 = unlimited), got "x"',
      'faults.v2 must name a version in pools (v1, bad name), got "v2"',
      'faults.v2.delayMs and delayRate go together (delayMs: the delay, delayRate: the share of requests it hits, 1 = all), got delayMs 0 and delayRate 0.5',
    ]);
  });

  it('requires pools and weights', () => {
    const result = validateRouteTable({});
    expect(result.ok ? [] : result.problems).toEqual([
      'pools must be an object of version -> instances, got nothing',
      'weights must be an object of version -> number, got nothing',
    ]);
  });
});
