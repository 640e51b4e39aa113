import { xml } from './junit-reporter.js';
import type { ScenarioReport } from './model.js';

const W = 760;
const LEFT = 56;
const RIGHT = 12;
const PANEL_H = 96;
const GAP = 26;
const TOP = 40;

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
  const out = [`<text x="${LEFT}" y="${top - 6}" class="pt">${xml(p.title)}</text>`];
  for (const f of [0, 0.5, 1]) {
    const v = p.max * f;
    out.push(
      `<line x1="${LEFT}" x2="${x(tMax)}" y1="${y(v)}" y2="${y(v)}" class="grid"/><text x="${LEFT - 4}" y="${y(v) + 3}" class="yl">${xml(p.unit(v))}</text>`,
    );
  }
  for (const line of p.lines) {
    const d = path(line, x, y, Boolean(p.step));
    const n = line.points.filter(([, v]) => v !== null).length;
    if (!d) continue;
    out.push(
      `<path d="${d}" stroke="${line.colour}" class="ln${line.dashed ? ' dash' : ''}" data-series="${xml(line.name)}" data-points="${n}"><title>${xml(line.name)}</title></path>`,
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
  const rates = versions.flatMap((v) => [userRate(v), monRate(v)]);
  const p95s = versions.flatMap((v) => [userP95(v), monP95(v)]);
  const maxOf = (lines: Line[]) => Math.max(0, ...lines.flatMap((l) => l.points.map(([, v]) => v ?? 0)));
  const pct = (v: number) => `${+(v * 100).toFixed(1)}%`;
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
          points: series.t.map((t, i) => [t, 100 - series.candidateWeight[i]!]),
        },
        {
          name: `${s.versions.candidate} weight`,
          colour: colour(s, s.versions.candidate),
          points: series.t.map((t, i) => [t, series.candidateWeight[i]!]),
        },
      ],
    },
    {
      title: 'error rate (solid: users, dashed: monitoring)',
      unit: pct,
      max: niceMax(Math.max(0.01, maxOf(rates))),
      lines: rates,
    },
    {
      title: 'p95 latency (solid: users, dashed: monitoring)',
      unit: (v) => `${+v.toFixed(0)}ms`,
      max: niceMax(Math.max(10, maxOf(p95s))),
      lines: p95s,
    },
  ];
  const height = TOP + panels.length * (PANEL_H + GAP) + 10;
  const body = panels.map((p, i) => panelSvg(p, TOP + 14 + i * (PANEL_H + GAP), x, tMax)).join('');
  const bottom = TOP + 14 + panels.length * (PANEL_H + GAP) - GAP;
  const marks = s.timeline
    .filter((e) => MARKERS[e.type])
    .map((e, i) => {
      const m = MARKERS[e.type]!;
      const px = x(e.at / 1000).toFixed(1);
      const anchor = Number(px) > W - 40 ? ' style="text-anchor:end"' : '';
      return `<g class="marker" data-type="${e.type}"><line x1="${px}" x2="${px}" y1="${TOP}" y2="${bottom}" stroke="${m.colour}"/><text x="${px}" y="${TOP - 12 + (i % 2) * 10}" fill="${m.colour}" class="ml"${anchor}>${xml(m.label)}</text><title>${xml(`${(e.at / 1000).toFixed(1)}s ${e.type}: ${e.message}`)}</title></g>`;
    })
    .join('');
  const ticks = Array.from({ length: Math.floor(tMax / tickStep(tMax)) + 1 }, (_, i) => i * tickStep(tMax))
    .map((t) => `<text x="${x(t)}" y="${bottom + 14}" class="xl">${t}s</text>`)
    .join('');
  const legend = versions
    .map(
      (v, i) =>
        `<g transform="translate(${W - RIGHT - 90 * (versions.length - i)},6)"><rect width="10" height="10" fill="${colour(s, v)}"/><text x="14" y="9" class="lg">${xml(v)}${v === s.versions.candidate ? ' (candidate)' : ''}</text></g>`,
    )
    .join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 ${W} ${height + 14}" width="${W}" height="${height + 14}" role="img" aria-label="${xml(`timeline of ${s.name}`)}">${legend}${body}${marks}${ticks}</svg>`;
}

function tickStep(tMax: number): number {
  return [1, 2, 5, 10, 15, 30, 60, 120, 300].find((s) => tMax / s <= 12) ?? 600;
}
