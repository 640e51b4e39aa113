import { describe, expect, it } from 'vitest';
import { decide, splitTests } from '../../../fixtures/judge-service/src/sandbox/decide.js';
import type { RunReport } from '../../../fixtures/judge-service/src/sandbox/protocol.js';

const tests = JSON.stringify([
  { input: [[2, 7], 9], output: [0, 1] },
  { input: [[3, 3], 6], output: { b: 1, a: [2] } },
]);
const report = (r: Partial<RunReport>): RunReport => ({
  outputs: [],
  end: 'ok',
  message: '',
  timeMs: 1,
  memoryKb: 1,
  ...r,
});

describe('splitTests', () => {
  it('keeps the expected outputs apart, canonically encoded', () => {
    expect(splitTests(tests)).toEqual({
      inputsJson: '[[[2,7],9],[[3,3],6]]',
      expected: ['[0,1]', '{"a":[2],"b":1}'],
    });
  });
});

describe('decide', () => {
  const { expected } = splitTests(tests);
  it('accepts every expected output within the time limit', () => {
    expect(decide(report({ outputs: [...expected] }), expected, 100).verdict).toBe('accepted');
    expect(decide(report({ outputs: [...expected], timeMs: 101 }), expected, 100).verdict).toBe('time-limit');
  });

  it('lets the first wrong output win over a later stop', () => {
    const wrong = report({ outputs: ['[9,9]'], end: 'time' });
    expect(decide(wrong, expected, 100)).toEqual({
      verdict: 'wrong-answer',
      message: 'wrong answer on test 1',
    });
    expect(decide(report({ outputs: ['[0,1]'], end: 'time' }), expected, 100).verdict).toBe('time-limit');
  });

  it('maps each stop to its verdict', () => {
    const verdictOf = (end: RunReport['end']) => decide(report({ end, message: 'm' }), expected, 100).verdict;
    expect(
      ['compile', 'error', 'time', 'memory', 'output'].map((e) => verdictOf(e as RunReport['end'])),
    ).toEqual(['compilation-error', 'runtime-error', 'time-limit', 'memory-limit', 'runtime-error']);
  });
});
