import { describe, expect, it } from 'vitest';
import { LiveProgress, ProgressPrinter } from '../../sim/report/progress.js';
import { palette } from '../../sim/report/terminal.js';
import type { RequestRecord } from '../../sim/traffic/record.js';

function rec(at: number, version: string, status = 200): RequestRecord {
  return {
    seq: at,
    kind: 'poll',
    userId: 'u',
    segment: 's',
    intendedAt: at,
    sentAt: at,
    latencyMs: 10,
    status,
    version,
  };
}

function feed(p: { record(r: RequestRecord): void } | LiveProgress, untilMs: number): void {
  for (let t = 0; t < untilMs; t += 100) {
    const r = rec(t, t % 500 === 0 ? 'v2' : 'v1', t % 1000 === 0 ? 500 : 200);
    if (p instanceof LiveProgress) p.onRecord(r);
    else p.record(r);
  }
}

describe('LiveProgress', () => {
  it('shows phase, weights, error rates per version over the last window and time left', () => {
    const lp = new LiveProgress('spike', 30_000);
    lp.onEvent({ at: 500, type: 'deploy', message: 'v2 deployed' });
    lp.onEvent({ at: 510, type: 'weights', message: '', data: { v1: 80, v2: 20 } });
    lp.onEvent({ at: 2500, type: 'analysis', message: 'round' });
    feed(lp, 12_000);
    expect(lp.line()).toBe('spike: analysing, 19s left | weights v1 80% v2 20% | errors v1 0.0% v2 50.0%');
    lp.onEvent({ at: 12_000, type: 'decision', message: 'roll back: error rate' });
    lp.onEvent({ at: 12_001, type: 'weights', message: '', data: { v1: 100, v2: 0 } });
    expect(lp.line()).toMatch(/^spike: rolling back, \d+s left \| weights v1 100% v2 0%/);
    lp.onEvent({ at: 12_002, type: 'all-traffic-on-stable', message: '' });
    expect(lp.phase).toBe('rolled back');
  });
});

describe('LiveProgress time left', () => {
  it('counts to the full traffic duration until the release is decided, then to decision + settle', () => {
    const lp = new LiveProgress('spike', 30_000, 5000, 5000);
    lp.onEvent({ at: 4000, type: 'analysis', message: 'round' });
    expect(lp.line()).toMatch(/, 26s left/);
    lp.onEvent({ at: 4780, type: 'decision', message: 'roll back: error rate' });
    expect(lp.line()).toMatch(/, 5s left/);
    lp.onEvent({ at: 5500, type: 'all-traffic-on-stable', message: '' });
    expect(lp.endsAt).toBe(10_500);
    expect(lp.line()).toMatch(/, 5s left/);
    lp.onEvent({ at: 10_400, type: 'traffic-end', message: '' });
    expect(lp.line()).toMatch(/, 0s left/);
  });

  it('never counts past the traffic duration', () => {
    const lp = new LiveProgress('late', 30_000, 5000, 5000);
    lp.onEvent({ at: 28_000, type: 'promoted', message: 'v2 promoted' });
    expect(lp.endsAt).toBe(30_000);
  });
});

describe('ProgressPrinter', () => {
  it('prints plain progress lines every 5 s of rehearsal time when not live (CI, pipes)', () => {
    const out: string[] = [];
    const pp = new ProgressPrinter({ out: (l) => out.push(l) }, palette(false), false);
    pp.start(new LiveProgress('spike', 20_000));
    pp.event({ at: 0, type: 'traffic-start', message: '' }, '     0.0s traffic-start');
    feed(pp, 12_000);
    pp.end();
    expect(out[0]).toBe('     0.0s traffic-start');
    expect(out.slice(1).map((l) => l.match(/^\s+([\d.]+)s progress/)?.[1])).toEqual(['0.0', '5.0', '10.0']);
    expect(out.join('\n')).not.toContain('\r');
  });

  it('rewrites one status line in place on a terminal and clears it before printing', () => {
    const raw: string[] = [];
    const out: string[] = [];
    const pp = new ProgressPrinter(
      { out: (l) => out.push(l), status: (t) => raw.push(t) },
      palette(false),
      true,
      5000,
      40,
    );
    pp.start(new LiveProgress('spike', 20_000));
    feed(pp, 3000);
    pp.event({ at: 3000, type: 'deploy', message: '' }, 'deployed');
    pp.end();
    expect(raw.length).toBeGreaterThan(5);
    expect(raw.filter((t) => t.startsWith('spike: ')).every((t) => t.length <= 39)).toBe(true);
    expect(raw.at(-1)).toBe('');
    expect(out).toEqual(['deployed']);
  });
});
