import { describe, expect, it } from 'vitest';
import { palette, scenarioLine, summaryTable, terminalMode } from '../../sim/report/terminal.js';
import { fixtureReport } from './helpers.js';

const ESC = String.fromCharCode(27);

describe('terminal output', () => {
  it('prints a final table with a row per scenario and the totals, without colour when off', () => {
    const table = summaryTable(fixtureReport(), palette(false));
    const lines = table.split('\n');
    expect(lines[0]).toMatch(
      /^scenario\s+result\s+class\s+outcome\s+detect\s+rollback\s+failed\s+lost\s+budget$/,
    );
    expect(lines[3]).toMatch(
      /^canary-error-spike-strict\s+failure\s+caught\s+rolled-back\s+2\.2s\s+4\.2s\s+2\s+0\s+\d+%$/,
    );
    expect(lines.at(-1)).toBe('2 passed, 1 failed');
    expect(table).not.toContain('\x1b[');
  });

  it('colours results only when asked', () => {
    expect(summaryTable(fixtureReport(), palette(true))).toContain('\x1b[31mfailure');
    expect(scenarioLine(fixtureReport().scenarios[2]!, palette(true))).toMatch(
      new RegExp(`^${ESC}\\[31mFAIL${ESC}\\[0m canary-error-spike-strict`),
    );
  });
});

describe('terminalMode', () => {
  it('is live and coloured on a TTY, plain in CI or through a pipe, colourless with NO_COLOR', () => {
    expect(terminalMode(true, {})).toEqual({ live: true, color: true });
    expect(terminalMode(true, { NO_COLOR: '1' })).toEqual({ live: true, color: false });
    expect(terminalMode(true, { CI: 'true' })).toEqual({ live: false, color: false });
    expect(terminalMode(true, { CI: 'false' })).toEqual({ live: true, color: true });
    expect(terminalMode(false, {})).toEqual({ live: false, color: false });
  });
});
