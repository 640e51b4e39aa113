import { describe, expect, it } from 'vitest';
import { faultWindows, layoutMarkers, scenarioChart, weightSteps } from '../../sim/report/svg-chart.js';
import type { ScenarioReport } from '../../sim/vocabulary/report-model.js';
import type { TimelineEvent } from '../../sim/vocabulary/timeline.js';
import { fixtureReport } from './helpers.js';

/** A rollback whose decision, rollback and alert fall within a fraction of a second of each other. */
function rolledBack(): ScenarioReport {
  const s = fixtureReport().scenarios.find((x) => x.observed.outcome === 'rolled-back')!;
  const events: TimelineEvent[] = [
    { at: 0, type: 'traffic-start', message: '' },
    { at: 500, type: 'weights', message: '', data: { v1: 80, v2: 20 } },
    { at: 1000, type: 'fault-injected', message: 'http-errors on v2: candidate answers 5.0% with HTTP 500' },
    { at: 4700, type: 'first-failure', message: 'error rate above 0.01' },
    { at: 4760, type: 'decision', message: 'roll back: error rate' },
    { at: 4780, type: 'weights', message: '', data: { v1: 100, v2: 0 } },
    { at: 4780, type: 'all-traffic-on-stable', message: 'all traffic on v1' },
    { at: 9000, type: 'fault-reverted', message: 'http-errors on v2 reverted' },
  ];
  s.timeline = events;
  s.series.thresholds = [
    { metric: 'error_rate', version: 'v2', max: 0.01, check: 'candidate error_rate <= 0.01' },
    { metric: 'latency_p95_ms', version: 'v2', max: 500, check: 'candidate latency_p95_ms <= 500' },
  ];
  return s;
}

/** The x of the chart's time axis: LEFT + t / tMax × plot width, read back from the tick labels. */
function axis(svg: string): (t: number) => number {
  const ticks = [...svg.matchAll(/<text x="([\d.]+)" y="[\d.]+" class="xl">(\d+)s<\/text>/g)].map((m) => [
    Number(m[2]),
    Number(m[1]),
  ]);
  const [[t0, x0], [t1, x1]] = [ticks[0]!, ticks[1]!];
  return (t) => x0! + ((t - t0!) / (t1! - t0!)) * (x1! - x0!);
}

function markerX(svg: string, type: string): number {
  const m = new RegExp(`<g class="marker" data-type="${type}"[^>]*><line x1="([\\d.]+)"`).exec(svg);
  return Number(m![1]);
}

describe('the timeline chart', () => {
  it('draws a rollback at 4.78 s at 4.78 s: after the 4 s bucket and after its own decision line', () => {
    const s = rolledBack();
    const svg = scenarioChart(s);
    const x = axis(svg);
    const rolled = markerX(svg, 'all-traffic-on-stable');
    expect(rolled).toBeGreaterThan(x(4));
    expect(rolled).toBeCloseTo(x(4.78), 0);
    expect(rolled).toBeGreaterThanOrEqual(markerX(svg, 'decision'));
    // The weight line drops at the same exact instant, not at the whole second before it.
    const weight = /<path d="([^"]+)" [^>]*data-series="v2 weight"/.exec(svg)![1]!;
    const drop = [...weight.matchAll(/H([\d.]+)V([\d.]+)/g)].map((m) => Number(m[1]));
    expect(drop.some((px) => Math.abs(px - x(4.78)) < 0.2)).toBe(true);
    expect(drop.every((px) => Math.abs(px - x(4)) > 1)).toBe(true);
    expect(weightSteps(s, 10)).toEqual([
      [0, 0],
      [0.5, 20],
      [4.78, 0],
      [10, 0],
    ]);
  });

  it('lays the labels out so that no two boxes intersect (alert, decision, rolled back within 80 ms)', () => {
    const layout = layoutMarkers(rolledBack().timeline, (t) => 56 + t * 60);
    expect(layout.map((m) => m.label)).toEqual(['fault', 'alert', 'decision', 'rolled back']);
    for (const [i, a] of layout.entries())
      for (const b of layout.slice(i + 1)) {
        const apart =
          a.box.x1 <= b.box.x0 || b.box.x1 <= a.box.x0 || a.box.y1 <= b.box.y0 || b.box.y1 <= a.box.y0;
        expect(apart, `${a.label} / ${b.label}`).toBe(true);
      }
    expect(new Set(layout.map((m) => m.row)).size).toBeGreaterThan(1);
    // Each marker stays at its exact time whatever row its label is in.
    expect(layout.map((m) => m.x)).toEqual([1, 4.7, 4.76, 4.78].map((t) => 56 + t * 60));
  });

  it('keeps labels inside the chart at its right edge', () => {
    const layout = layoutMarkers([{ at: 29_900, type: 'promoted', message: '' }], (t) => 56 + (t / 30) * 692);
    expect(layout[0]!.anchor).toBe('end');
    expect(layout[0]!.box.x1).toBeLessThanOrEqual(748);
  });

  it('draws the checks’ thresholds on their panels and shades the fault’s window', () => {
    const svg = scenarioChart(rolledBack());
    expect(svg).toMatch(/<g class="threshold" data-version="v2" data-max="0.01">/);
    expect(svg).toMatch(/<g class="threshold" data-version="v2" data-max="500">/);
    expect(svg).toMatch(/class="tl">v2 max 1%<\/text>/);
    const shade =
      /<rect class="fault-window" x="([\d.]+)" width="([\d.]+)"[^>]*data-from="1" data-to="9"/.exec(svg);
    expect(shade).not.toBeNull();
    const x = axis(svg);
    expect(Number(shade![1])).toBeCloseTo(x(1), 0);
    expect(Number(shade![1]) + Number(shade![2])).toBeCloseTo(x(9), 0);
  });

  it('a fault never reverted is shaded to the end of the chart', () => {
    const windows = faultWindows(
      [{ at: 2000, type: 'fault-injected', message: 'latency on v2: +300 ms' }],
      30,
    );
    expect(windows).toEqual([{ from: 2, to: 30, label: 'latency on v2: +300 ms' }]);
  });
});
