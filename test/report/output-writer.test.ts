import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { OutputWriter } from '../../sim/report/output-writer.js';
import { LiveProgress, ProgressPrinter } from '../../sim/report/progress.js';
import { palette } from '../../sim/report/terminal.js';

/** A stream that records what was written, as a terminal would show it in order. */
class FakeStream extends EventEmitter {
  constructor(
    private readonly screen: string[],
    private readonly tag: string,
  ) {
    super();
  }
  write(text: string): boolean {
    this.screen.push(`${this.tag}${text}`);
    return true;
  }
}

const CLEAR = '\r\x1b[2K';

/** What a terminal shows once carriage returns and line clears are applied: one entry per line. */
function rendered(chunks: string[]): string[] {
  const lines = [''];
  for (const chunk of chunks) {
    for (const part of chunk.slice(4).split(new RegExp(`(${CLEAR.replace('[', '\\[')}|\n)`))) {
      if (part === CLEAR) lines[lines.length - 1] = '';
      else if (part === '\n') lines.push('');
      else lines[lines.length - 1] += part;
    }
  }
  return lines;
}

describe('OutputWriter', () => {
  it('clears the status line before a warning on stderr and redraws it after', () => {
    const screen: string[] = [];
    const w = new OutputWriter(new FakeStream(screen, 'out:'), new FakeStream(screen, 'err:'), true);
    w.setStatus('spike: analysing, 12s left');
    w.err('run timed out after 8s');
    w.out('  4.0s decision');
    w.setStatus('');
    expect(screen).toEqual([
      'out:\r\x1b[2Kspike: analysing, 12s left',
      'out:\r\x1b[2K',
      'err:run timed out after 8s\n',
      'out:spike: analysing, 12s left',
      'out:\r\x1b[2K',
      'out:  4.0s decision\n',
      'out:spike: analysing, 12s left',
      'out:\r\x1b[2K',
    ]);
    expect(rendered(screen)).toEqual(['run timed out after 8s', '  4.0s decision', '']);
  });

  it('shows no status line when stdout is not a terminal', () => {
    const screen: string[] = [];
    const w = new OutputWriter(new FakeStream(screen, 'out:'), new FakeStream(screen, 'err:'), false);
    w.setStatus('status');
    w.out('line');
    expect(screen).toEqual(['out:line\n']);
  });

  it('drops a stream whose reader went away (EPIPE) and keeps the other', () => {
    const screen: string[] = [];
    const stdout = new FakeStream(screen, 'out:');
    const w = new OutputWriter(stdout, new FakeStream(screen, 'err:'));
    w.out('first');
    stdout.emit('error', Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
    w.out('second');
    w.err('still here');
    expect(screen).toEqual(['out:first\n', 'err:still here\n']);
    expect(w.isClosed('stdout')).toBe(true);
    expect(() => stdout.emit('error', Object.assign(new Error('disk on fire'), { code: 'EIO' }))).toThrow(
      /disk on fire/,
    );
  });

  it('a warning never shares a line with the live progress line (through the progress printer)', () => {
    const screen: string[] = [];
    const w = new OutputWriter(new FakeStream(screen, 'out:'), new FakeStream(screen, 'err:'), true);
    const pp = new ProgressPrinter(
      { out: (l) => w.out(l), status: (t) => w.setStatus(t) },
      palette(false),
      true,
    );
    pp.start(new LiveProgress('spike', 20_000, 5000, 5000));
    for (let t = 0; t < 3000; t += 100)
      pp.record({
        seq: t,
        kind: 'poll',
        userId: 'u',
        segment: 's',
        intendedAt: t,
        sentAt: t,
        latencyMs: 5,
        status: 200,
        version: 'v2',
      });
    w.err('run timed out after 8s');
    pp.event({ at: 3000, type: 'deploy', message: '' }, '  3.0s deploy');
    pp.end();
    const lines = rendered(screen);
    expect(lines).toEqual(['run timed out after 8s', '  3.0s deploy', '']);
    expect(screen.some((c) => c.includes('spike: baseline') || c.includes('spike: starting'))).toBe(true);
  });
});
