import { describe, expect, it } from 'vitest';
import { sameOutput } from '../../../fixtures/judge-service/src/programs.js';
import { decideProgram } from '../../../fixtures/judge-service/src/sandbox/decide-program.js';
import {
  type RunReport,
  readAnswer,
  type WorkerJob,
} from '../../../fixtures/judge-service/src/sandbox/protocol.js';

const report = (r: Partial<RunReport>): RunReport => ({
  outputs: [],
  end: 'ok',
  message: '',
  timeMs: 1,
  memoryKb: 1,
  stdout: '',
  stderr: '',
  ...r,
});

describe('sameOutput (Judge0 strip_output)', () => {
  it.each([
    ['5', '5\n', true],
    ['a b\nc', 'a b   \nc\t\n\n\n', true],
    ['a\n\nb', 'a\nb', false],
    [' 5', '5', false],
    ['', '\n\n', true],
  ])('%j vs %j: %s', (expected, actual, same) => {
    expect(sameOutput(expected, actual)).toBe(same);
  });
});

describe('decideProgram', () => {
  it("decides in Judge0's order: a stop wins over the output, then the comparison", () => {
    const status = (r: Partial<RunReport>, expected: string | null = '5') =>
      decideProgram(report(r), expected, 1000).program?.statusId;
    expect(status({ stdout: '5\n' })).toBe(3);
    expect(status({ stdout: '6\n' })).toBe(4);
    expect(status({ stdout: 'anything' }, null)).toBe(3);
    expect(status({ stdout: '5\n', end: 'time' })).toBe(5);
    expect(status({ stdout: '5\n', timeMs: 1001 })).toBe(5);
    expect(status({ end: 'compile', message: 'SyntaxError: x' })).toBe(6);
    expect(status({ stdout: '5\n', end: 'output' })).toBe(8);
    expect(status({ end: 'memory' })).toBe(10);
    expect(status({ stdout: '5\n', end: 'error', message: 'TypeError: x' })).toBe(11);
  });

  it('reports stdout, stderr, compile output and exit code as Judge0 fields', () => {
    expect(
      decideProgram(report({ end: 'error', message: 'TypeError: x', stderr: 'w\n' }), null, 1000),
    ).toMatchObject({
      verdict: 'runtime-error',
      program: { stdout: null, stderr: 'w\nUncaught TypeError: x\n', exitCode: 1 },
    });
    expect(decideProgram(report({ end: 'compile', message: 'SyntaxError: y' }), '1', 1000)).toMatchObject({
      verdict: 'compilation-error',
      program: { compileOutput: 'SyntaxError: y', exitCode: null },
    });
  });
});

describe('readAnswer for a program job', () => {
  const job: WorkerJob = {
    kind: 'program',
    nonce: 'n',
    source: '',
    stdin: '',
    timeLimitMs: 100,
    outputLimitChars: 10,
    resultLimitChars: 10,
  };
  it('takes bounded output and refuses a report without it or over the limit', () => {
    const answer = (r: Partial<RunReport>) => readAnswer({ nonce: 'n', report: report(r) }, job, 0);
    expect(answer({ stdout: 'ok\n' })).toEqual({ report: report({ stdout: 'ok\n' }) });
    expect(answer({ stdout: undefined })).toEqual({ refused: 'no program output' });
    expect(answer({ stdout: 'x'.repeat(8), stderr: 'y'.repeat(3) })).toEqual({
      refused: 'program output over the limit',
    });
    expect(answer({ outputs: ['1'] })).toEqual({ refused: 'bad outputs' });
  });
});
