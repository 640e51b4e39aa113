import type { Sample } from './prom-text.js';

/** Label matchers: exact values, or a RegExp. */
export type Match = Record<string, string | RegExp>;

interface Series {
  name: string;
  labels: Record<string, string>;
  t: number[];
  v: number[];
  /**
   * Running increase from zero through each sample (resets handled), while every value is a whole number: an
   * increase over a window is then one subtraction, exactly the sum a walk over the window would give. Until the
   * series' first reset that running increase is `v` itself (every value is the increase from zero to it), so `cum`
   * stays undefined and `v` is read; it is made at the first reset.
   */
  cum: number[] | undefined;
  /** A value was fractional or too large for exact sums: an increase walks the window instead. */
  walk: boolean;
  /** The store's entry for its name. */
  named: Named;
}

function matches(labels: Record<string, string>, match: Match): boolean {
  for (const [k, want] of Object.entries(match)) {
    const have = labels[k] ?? '';
    if (typeof want === 'string' ? have !== want : !want.test(have)) return false;
  }
  return true;
}

/** A RegExp's part of a select() key (`source` and `flags` are getters: read once per RegExp). */
const regexKeys = new WeakMap<RegExp, string>();
function regexKey(re: RegExp): string {
  let key = regexKeys.get(re);
  if (key === undefined) {
    key = `/${re.source}/${re.flags}`;
    regexKeys.set(re, key);
  }
  return key;
}

/**
 * The series of one metric name and the select() answers about them, valid until a series of that name appears
 * (a new series of another name matches none of them, so it leaves them be).
 */
interface Named {
  list: Series[];
  selected: Map<string, Series[]>;
  /** select(s.name, s.labels) per series s of this name. */
  like: Map<Series, Series[]>;
  /** Bumped whenever a series of this name appears (every kept selection of it may then miss it). */
  generation: number;
}

/** A kept select() question (see `MetricStore.selection`); its answer is the store's to refresh. */
export interface Selection {
  readonly name: string;
  readonly match: Match;
  generation: number;
  found: Series[];
  /** The store's entry for `name`, so that checking the answer is still valid needs no lookup. */
  readonly named: Named;
}

const NO_LABELS: Record<string, string> = Object.freeze({}) as Record<string, string>;

/** An in-memory time-series store of scraped samples, queried the way PromQL's increase() works. */
export class MetricStore {
  private readonly series = new Map<string, Series>();
  private readonly byName = new Map<string, Named>();
  private readonly byLabels = new WeakMap<Record<string, string>, Series>();
  /**
   * The label objects of the last scrape without target labels, by position, and their series: a producer that
   * reuses label objects sends them in the same order scrape after scrape, and a comparison is cheaper than `byLabels`.
   */
  private readonly lastLabels: Record<string, string>[] = [];
  private readonly lastSeries: Series[] = [];

  private named(name: string): Named {
    let named = this.byName.get(name);
    if (!named) {
      named = { list: [], selected: new Map(), like: new Map(), generation: 0 };
      this.byName.set(name, named);
    }
    return named;
  }

  /** Adds one scrape's samples at time `t`, with the target's labels merged in. */
  add(t: number, samples: Sample[], targetLabels: Record<string, string> = NO_LABELS): void {
    const reused = targetLabels === NO_LABELS;
    for (let i = 0; i < samples.length; i++) {
      const s = samples[i]!;
      // Producers that reuse label objects across scrapes (the simulator) skip the key computation.
      let series: Series | undefined;
      if (reused) {
        series = this.lastLabels[i] === s.labels ? this.lastSeries[i] : this.byLabels.get(s.labels);
        this.lastLabels[i] = s.labels;
      }
      if (!series) {
        const labels = targetLabels === NO_LABELS ? { ...s.labels } : { ...s.labels, ...targetLabels };
        const key = `${s.name}${JSON.stringify(labels)}`;
        series = this.series.get(key);
        if (!series) {
          const named = this.named(s.name);
          series = { name: s.name, labels, t: [], v: [], cum: undefined, walk: false, named };
          this.series.set(key, series);
          named.list.push(series);
          named.selected.clear();
          named.like.clear();
          named.generation++;
        }
        if (reused) this.byLabels.set(s.labels, series);
      }
      if (reused) this.lastSeries[i] = series;
      appendSample(series, t, s.value);
    }
  }

  /** Every series of `name` whose labels match (the same array while no new series appears). */
  select(name: string, match: Match = {}): Series[] {
    let key = name;
    for (const k in match) {
      const v = match[k]!;
      key += typeof v === 'string' ? `\u0000${k}=${v}` : `\u0000${k}=${regexKey(v)}`;
    }
    const named = this.named(name);
    let found = named.selected.get(key);
    if (!found) {
      found = named.list.filter((s) => matches(s.labels, match));
      named.selected.set(key, found);
    }
    return found;
  }

  /**
   * A question its caller asks again and again (a controller's, every round): `increaseOf(selection, …)` answers
   * it as `increase(name, match, …)` does, without building the match's key or looking it up.
   */
  selection(name: string, match: Match): Selection {
    return { name, match, generation: -1, found: [], named: this.named(name) };
  }

  /** The series of a kept selection, chosen again only when a new series has appeared. */
  seriesOf(selection: Selection): Series[] {
    if (selection.generation !== selection.named.generation) {
      selection.found = this.select(selection.name, selection.match);
      selection.generation = selection.named.generation;
    }
    return selection.found;
  }

  /** `increase(selection.name, selection.match, from, to)`. */
  increaseOf(selection: Selection, from: number, to: number): number | undefined {
    return sumIncrease(this.seriesOf(selection), from, to);
  }

  /**
   * Counter increase over (from, to], summed over matching series, counter resets handled.
   * A series first seen inside the window counts from zero (its target started in the window).
   * Undefined when no matching series has a sample inside the window.
   */
  increase(name: string, match: Match, from: number, to: number): number | undefined {
    return sumIncrease(this.select(name, match), from, to);
  }

  /**
   * `increase(s.name, s.labels, from, to)` for a series `s` this store returned: the same answer (every series
   * whose labels include all of `s`'s), without building the match and its key at each call.
   */
  increaseLike(s: Series, from: number, to: number): number | undefined {
    const { like } = s.named;
    let found = like.get(s);
    if (!found) {
      found = this.select(s.name, s.labels);
      like.set(s, found);
    }
    return sumIncrease(found, from, to);
  }

  /** Latest value at or before `at`, summed over matching series; undefined if none. */
  latest(name: string, match: Match, at: number): number | undefined {
    let total = 0;
    let seen = false;
    for (const s of this.select(name, match)) {
      const i = lastIndexAtOrBefore(s.t, at);
      if (i < 0) continue;
      seen = true;
      total += s.v[i]!;
    }
    return seen ? total : undefined;
  }

  /** Time of the newest sample of any series (undefined before the first scrape). */
  lastScrapeAt(name: string): number | undefined {
    let last: number | undefined;
    for (const s of this.byName.get(name)?.list ?? []) {
      const t = s.t.at(-1);
      if (t !== undefined && (last === undefined || t > last)) last = t;
    }
    return last;
  }
}

function lastIndexAtOrBefore(ts: number[], at: number): number {
  let lo = 0;
  let hi = ts.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (ts[mid]! <= at) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

function sumIncrease(series: readonly Series[], from: number, to: number): number | undefined {
  let total = 0;
  let seen = false;
  for (let i = 0; i < series.length; i++) {
    const inc = seriesIncrease(series[i]!, from, to);
    if (inc === undefined) continue;
    seen = true;
    total += inc;
  }
  return seen ? total : undefined;
}

/** Sums of whole numbers below this are exact in a double, whatever their order. */
const EXACT = 2 ** 52;

function appendSample(series: Series, t: number, value: number): void {
  const { v } = series;
  if (!series.walk) {
    const prev = v.length > 0 ? v[v.length - 1]! : 0;
    const { cum } = series;
    const total = (cum ? cum[cum.length - 1]! : prev) + (value >= prev ? value - prev : value);
    // Fractional or huge values: fall back to walking the window (a different order of additions rounds differently).
    if (!(Number.isInteger(value) && Math.abs(value) < EXACT && Math.abs(total) < EXACT)) {
      series.walk = true;
      series.cum = undefined;
    } else if (cum) cum.push(total);
    // The first reset: from here the running increase is no longer the value itself.
    else if (value < prev) series.cum = [...v, total];
  }
  series.t.push(t);
  v.push(value);
}

function seriesIncrease(s: Series, from: number, to: number): number | undefined {
  const end = lastIndexAtOrBefore(s.t, to);
  if (end < 0 || s.t[end]! <= from) return undefined;
  const start = lastIndexAtOrBefore(s.t, from);
  if (!s.walk) {
    const cum = s.cum ?? s.v;
    return cum[end]! - (start >= 0 ? cum[start]! : 0);
  }
  let prev = start >= 0 ? s.v[start]! : 0;
  let inc = 0;
  for (let i = start + 1; i <= end; i++) {
    const v = s.v[i]!;
    inc += v >= prev ? v - prev : v;
    prev = v;
  }
  return inc;
}
