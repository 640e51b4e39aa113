import { escapeXml, percent, seconds } from '../util/format.js';
import type { ChartThreshold, ScenarioReport } from '../vocabulary/report-model.js';
import type { TimelineEvent } from '../vocabulary/timeline.js';

const W = 760;
const LEFT = 56;
const RIGHT = 12;
const PANEL_H = 96;
const GAP = 26;
/** Where the first row of marker labels sits (below the legend), and the height of a row. */
const LABEL_TOP = 30;
const LABEL_ROW = 11;
/** Approximate width of one character of a 10px label, for laying labels out without a browser. */
const CHAR_W = 5.6;

/** Colour of a version line: stable blue, candidate orange, anything else grey. */
function colour(s: ScenarioReport, version: string): string {
  return version === s.versions.stable ? '#1f77b4' : version === s.versions.candidate ? '#ff7f0e' : '#7f7f7f';
}

/** Timeline events drawn as vertical markers, with their colour and label. */
const MARKERS: Record<string, { colour: string; label: string }> = {
  'fault-injected': { colour: '#d62728', label: 'fault' },
  'first-failure': { colour: '#e377c2', label: 'alert' },
  decision: { colour: '#9467bd', label: 'decision' },
  'all-traffic-on-stable': { colour: '#2ca02c', label: 'rolled back' },
  promoted: { colour: '#2ca02c', label: 'promoted' },
  paused: { colour: '#8c564b', label: 'paused' },
};

interface Line {
  name: string;
  colour: string;
  dashed?: boolean;
  points: [number, number | null][];
}

interface Panel {
  title: string;
  unit: (v: number) => string;
  max: number;
  lines: Line[];
  step?: boolean;
  thresholds?: ChartThreshold[];
}

/** A marker label's place: the event's exact x, the row it was put in, and the box its text takes. */
export interface MarkerLayout {
  event: TimelineEvent;
  label: string;
  colour: string;
  x: number;
  row: number;
  anchor: 'start' | 'middle' | 'end';
  box: { x0: number; x1: number; y0: number; y1: number };
}

/**
 * Places each marker at its event's exact time and staggers the labels into rows so that no two
 * boxes overlap: a label goes in the first row where it clears the previous label by a few pixels.
 */
export function layoutMarkers(events: TimelineEvent[], x: (t: number) => number): MarkerLayout[] {
  const rowEnds: number[] = [];
  return events
    .filter((e) => MARKERS[e.type])
    .sort((a, b) => a.at - b.at)
    .map((event) => {
      const m = MARKERS[event.type]!;
      const px = x(event.at / 1000);
      const width = m.label.length * CHAR_W;
      const anchor = px + width / 2 > W - RIGHT ? 'end' : px - width / 2 < 0 ? 'start' : 'middle';
      const x0 = anchor === 'end' ? px - width : anchor === 'start' ? px : px - width / 2;
      let row = rowEnds.findIndex((end) => x0 >= end + 4);
      if (row < 0) row = rowEnds.push(Number.NEGATIVE_INFINITY) - 1;
      rowEnds[row] = x0 + width;
      const y1 = LABEL_TOP + row * LABEL_ROW;
      return {
        event,
        label: m.label,
        colour: m.colour,
        x: px,
        row,
        anchor,
        box: { x0, x1: x0 + width, y0: y1 - 9, y1 },
      };
    });
}

/** Fault windows from the timeline: each injection to its revert (or the end of the chart), in seconds. */
export function faultWindows(
  events: TimelineEvent[],
  tMax: number,
): { from: number; to: number; label: string }[] {
  const windows: { from: number; to: number; label: string }[] = [];
  for (const [i, e] of events.entries()) {
    if (e.type !== 'fault-injected') continue;
    const key = e.message.split(':')[0]!;
    const revert = events
      .slice(i + 1)
      .find((r) => r.type === 'fault-reverted' && r.message.startsWith(`${key} `));
    windows.push({ from: e.at / 1000, to: revert ? revert.at / 1000 : tMax, label: e.message });
  }
  return windows;
}

function niceMax(v: number): number {
  if (!(v > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  return ([1, 2, 2.5, 5, 10].find((m) => m * p >= v) ?? 10) * p;
}

function path(line: Line, x: (t: number) => number, y: (v: number) => number, step: boolean): string {
  let d = '';
  let pen = false;
  for (const [t, v] of line.points) {
    if (v === null) {
      pen = false;
      continue;
    }
    const px = x(t).toFixed(1);
    const py = y(v).toFixed(1);
    if (pen && step) d += `H${px}V${py}`;
    else d += `${pen ? 'L' : 'M'}${px},${py}`;
    pen = true;
  }
  return d;
}

function panelSvg(p: Panel, top: number, x: (t: number) => number, tMax: number): string {
  const y = (v: number) => top + PANEL_H - (Math.min(v, p.max) / p.max) * PANEL_H;
  const out = [`<text x="${LEFT}" y="${top - 6}" class="pt">${escapeXml(p.title)}</text>`];
  for (const f of [0, 0.5, 1]) {
    const v = p.max * f;
    out.push(
      `<line x1="${LEFT}" x2="${x(tMax)}" y1="${y(v)}" y2="${y(v)}" class="grid"/><text x="${LEFT - 4}" y="${y(v) + 3}" class="yl">${escapeXml(p.unit(v))}</text>`,
    );
  }
  for (const th of p.thresholds ?? []) {
    for (const [kind, v] of [
      ['max', th.max],
      ['min', th.min],
    ] as const) {
      if (v === undefined) continue;
      out.push(
        `<g class="threshold" data-version="${escapeXml(th.version)}" data-${kind}="${v}"><line x1="${LEFT}" x2="${x(tMax)}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}"/><text x="${x(tMax) - 2}" y="${(y(v) - 3).toFixed(1)}" class="tl">${escapeXml(`${th.version} ${kind} ${p.unit(v)}`)}</text><title>${escapeXml(th.check)}</title></g>`,
      );
    }
  }
  for (const line of p.lines) {
    const d = path(line, x, y, Boolean(p.step));
    const n = line.points.filter(([, v]) => v !== null).length;
    if (!d) continue;
    out.push(
      `<path d="${d}" stroke="${line.colour}" class="ln${line.dashed ? ' dash' : ''}" data-series="${escapeXml(line.name)}" data-points="${n}"><title>${escapeXml(line.name)}</title></path>`,
    );
  }
  return out.join('');
}

/** The timeline chart of one scenario: weights, error rate and p95 latency per version, with event markers. */
export function scenarioChart(s: ScenarioReport): string {
  const { series } = s;
  const tMax = Math.max(
    1,
    ...series.t.map((t) => t + 1),
    ...Object.values(series.monitoring).flatMap((m) => m.t),
    ...s.timeline.map((e) => e.at / 1000),
  );
  const x = (t: number) => LEFT + (t / tMax) * (W - LEFT - RIGHT);
  const versions = [
    ...new Set([
      s.versions.stable,
      s.versions.candidate,
      ...Object.keys(series.users),
      ...Object.keys(series.monitoring),
    ]),
  ];
  const mid = (t: number) => t + 0.5;
  const userRate = (v: string): Line => {
    const u = series.users[v];
    return {
      name: `${v} users error rate`,
      colour: colour(s, v),
      points: series.t.map((t, i) => [mid(t), u?.requests[i] ? u.failed[i]! / u.requests[i]! : null]),
    };
  };
  const monRate = (v: string): Line => ({
    name: `${v} monitoring error rate`,
    colour: colour(s, v),
    dashed: true,
    points: (series.monitoring[v]?.t ?? []).map((t, i) => [t, series.monitoring[v]!.errorRate[i] ?? null]),
  });
  const userP95 = (v: string): Line => ({
    name: `${v} users p95`,
    colour: colour(s, v),
    points: series.t.map((t, i) => [mid(t), series.users[v]?.p95Ms[i] ?? null]),
  });
  const monP95 = (v: string): Line => ({
    name: `${v} monitoring p95`,
    colour: colour(s, v),
    dashed: true,
    points: (series.monitoring[v]?.t ?? []).map((t, i) => [t, series.monitoring[v]!.p95Ms[i] ?? null]),
  });
  const weights = weightSteps(s, tMax);
  const thresholds = series.thresholds ?? [];
  const bounds = (metric: ChartThreshold['metric']) => thresholds.filter((t) => t.metric === metric);
  const boundMax = (metric: ChartThreshold['metric']) =>
    Math.max(0, ...bounds(metric).flatMap((t) => [t.max ?? 0, t.min ?? 0]));
  const rates = versions.flatMap((v) => [userRate(v), monRate(v)]);
  const p95s = versions.flatMap((v) => [userP95(v), monP95(v)]);
  const maxOf = (lines: Line[]) => Math.max(0, ...lines.flatMap((l) => l.points.map(([, v]) => v ?? 0)));
  const pct = (v: number) => `${+percent(v)}%`;
  const panels: Panel[] = [
    {
      title: 'traffic weight',
      unit: (v) => `${v}%`,
      max: 100,
      step: true,
      lines: [
        {
          name: `${s.versions.stable} weight`,
          colour: colour(s, s.versions.stable),
          points: weights.map(([t, w]) => [t, 100 - w]),
        },
        {
          name: `${s.versions.candidate} weight`,
          colour: colour(s, s.versions.candidate),
          points: weights,
        },
      ],
    },
    {
      title: 'error rate (solid: users, dashed: monitoring)',
      unit: pct,
      max: niceMax(Math.max(0.01, maxOf(rates), boundMax('error_rate') * 1.1)),
      lines: rates,
      thresholds: bounds('error_rate'),
    },
    {
      title: 'p95 latency (solid: users, dashed: monitoring)',
      unit: (v) => `${+v.toFixed(0)}ms`,
      max: niceMax(Math.max(10, maxOf(p95s), boundMax('latency_p95_ms') * 1.1)),
      lines: p95s,
      thresholds: bounds('latency_p95_ms'),
    },
  ];
  const layout = layoutMarkers(s.timeline, x);
  const rows = Math.max(1, ...layout.map((m) => m.row + 1));
  const top = LABEL_TOP + (rows - 1) * LABEL_ROW + 8;
  const height = top + panels.length * (PANEL_H + GAP) + 10;
  const body = panels.map((p, i) => panelSvg(p, top + 14 + i * (PANEL_H + GAP), x, tMax)).join('');
  const bottom = top + 14 + panels.length * (PANEL_H + GAP) - GAP;
  const shading = faultWindows(s.timeline, tMax)
    .map(
      (f) =>
        `<rect class="fault-window" x="${x(f.from).toFixed(1)}" width="${Math.max(1, x(f.to) - x(f.from)).toFixed(1)}" y="${top}" height="${bottom - top}" data-from="${f.from}" data-to="${f.to}"><title>${escapeXml(`${f.from.toFixed(1)}–${f.to.toFixed(1)}s ${f.label}`)}</title></rect>`,
    )
    .join('');
  const marks = layout
    .map((m) => {
      const px = m.x.toFixed(1);
      return `<g class="marker" data-type="${m.event.type}" data-at="${m.event.at}" data-row="${m.row}"><line x1="${px}" x2="${px}" y1="${m.box.y1 + 2}" y2="${bottom}" stroke="${m.colour}"/><text x="${px}" y="${m.box.y1}" fill="${m.colour}" class="ml" style="text-anchor:${m.anchor}">${escapeXml(m.label)}</text><title>${escapeXml(`${seconds(m.event.at, 2)}s ${m.event.type}: ${m.event.message}`)}</title></g>`;
    })
    .join('');
  const ticks = Array.from({ length: Math.floor(tMax / tickStep(tMax)) + 1 }, (_, i) => i * tickStep(tMax))
    .map((t) => `<text x="${x(t)}" y="${bottom + 14}" class="xl">${t}s</text>`)
    .join('');
  const legend = versions
    .map(
      (v, i) =>
        `<g transform="translate(${W - RIGHT - 90 * (versions.length - i)},6)"><rect width="10" height="10" fill="${colour(s, v)}"/><text x="14" y="9" class="lg">${escapeXml(v)}${v === s.versions.candidate ? ' (candidate)' : ''}</text></g>`,
    )
    .join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 ${W} ${height + 14}" width="${W}" height="${height + 14}" role="img" aria-label="${escapeXml(`timeline of ${s.name}`)}">${legend}${shading}${body}${marks}${ticks}</svg>`;
}

function tickStep(tMax: number): number {
  return [1, 2, 5, 10, 15, 30, 60, 120, 300].find((s) => tMax / s <= 12) ?? 600;
}

/**
 * The candidate weight as a step line with each change at its exact time (from the timeline's
 * `weights` events), not at the whole second the per-second series would put it.
 */
export function weightSteps(s: ScenarioReport, tMax: number): [number, number][] {
  const changes = s.timeline.filter(
    (e) => e.type === 'weights' && typeof e.data?.[s.versions.candidate] === 'number',
  );
  if (changes.length === 0) return s.series.t.map((t, i) => [t, s.series.candidateWeight[i]!]);
  const points: [number, number][] = [[0, 0]];
  for (const e of changes) points.push([e.at / 1000, Number(e.data![s.versions.candidate])]);
  points.push([tMax, points.at(-1)![1]]);
  return points;
}
