import { describe, expect, it } from 'vitest';
import { parsePromText } from '../../sim/monitor/prom-text.js';

describe('parsePromText', () => {
  it('keeps the timestamp: integer milliseconds, and OpenMetrics seconds with a fraction', () => {
    const s = parsePromText('a{x="1"} 3 1700000000123\nb 4 1700000000.5\nc 5\n');
    expect(s).toEqual([
      { name: 'a', labels: { x: '1' }, value: 3, timestampMs: 1700000000123 },
      { name: 'b', labels: {}, value: 4, timestampMs: 1700000000500 },
      { name: 'c', labels: {}, value: 5 },
    ]);
  });

  it('reads NaN, +Inf, -Inf and exponents', () => {
    const s = parsePromText('a NaN\nb +Inf\nc -Inf\nd 1.5e-3\ne -2\n');
    expect(Number.isNaN(s[0]!.value)).toBe(true);
    expect(s.slice(1).map((x) => x.value)).toEqual([
      Number.POSITIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
      0.0015,
      -2,
    ]);
  });

  it('unescapes label values, including quotes, backslashes, newlines, braces and commas inside them', () => {
    const [s] = parsePromText('m{a="q\\"q",b="back\\\\slash",c="line\\nbreak",d="x} 9, y=\\"z\\""} 7\n');
    expect(s).toEqual({
      name: 'm',
      labels: { a: 'q"q', b: 'back\\slash', c: 'line\nbreak', d: 'x} 9, y="z"' },
      value: 7,
    });
  });

  it('keeps a sample with an OpenMetrics exemplar, and its timestamp', () => {
    const s = parsePromText(
      'h_bucket{le="0.5"} 12 # {trace_id="abc}"} 0.42 1700000000.1\nh_bucket{le="1"} 13 1700000000000 # {trace_id="d"} 0.9\n',
    );
    expect(s).toEqual([
      { name: 'h_bucket', labels: { le: '0.5' }, value: 12 },
      { name: 'h_bucket', labels: { le: '1' }, value: 13, timestampMs: 1700000000000 },
    ]);
  });

  it('accepts spaces, tabs, a trailing comma in the label set and CRLF line ends', () => {
    const s = parsePromText('m { a = "1" , b="2", }\t8\r\nn{} 9\r\n');
    expect(s).toEqual([
      { name: 'm', labels: { a: '1', b: '2' }, value: 8 },
      { name: 'n', labels: {}, value: 9 },
    ]);
  });

  it('skips comments and malformed lines, keeping the valid ones around them', () => {
    const s = parsePromText(
      [
        '# HELP a x',
        '# TYPE a counter',
        'a 1',
        'b{x="unterminated} 2',
        'c{1x="y"} 3',
        'd notanumber',
        'e 4 notatimestamp',
        'f 5 6 7',
        'g',
        '9h 1',
        'i 10',
      ].join('\n'),
    );
    expect(s.map((x) => [x.name, x.value])).toEqual([
      ['a', 1],
      ['i', 10],
    ]);
  });
});
