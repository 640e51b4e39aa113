import type { Sample } from '../monitor/prom-text.js';
import { LATENCY_BUCKETS } from '../router/metrics.js';
import type { Scenario } from '../scenario/schema.js';
import { rateAt } from '../traffic/schedule.js';
import type { Random } from '../util/random.js';
import type { TrafficCount } from '../verdict/blast-radius.js';
import { binomial, multinomial, poisson } from './draws.js';
import { LatencyModel } from './latency.js';
import type { ServiceModel } from './model.js';

/** A change of a version's behaviour: a toggle, or a fault's effect. */
export interface Effect {
  /** Share of submission and leaderboard requests answered HTTP 500. */
  errorRate?: number;
  extraLatencyMs?: number;
  wrongVerdictRate?: number;
  /** The fault marker carried by the responses this effect shapes (errors only). */
  marker?: string;
}

interface VersionState {
  instances: number;
  effects: Set<Effect>;
  codes: Map<string, number>;
  bins: number[];
  count: number;
  marked: Map<string, number>;
}

const LE = [...LATENCY_BUCKETS.map(String), '+Inf'];

/**
 * The judge service and its users as a statistical model: per time step, the weights in force become
 * request counts per version (Poisson), split into kinds, errors, latency bins and wrong verdicts
 * (binomial draws). It keeps router-style cumulative counters for monitoring and ground-truth counts
 * per step for the verdict.
 */
export class SimulatedService {
  /** Ground truth: one entry per version per step that had traffic. */
  readonly truth: TrafficCount[] = [];
  private readonly versions = new Map<string, VersionState>();
  private readonly latency: LatencyModel;
  private readonly labelCache = new Map<string, Map<string, Record<string, string>>>();
  private readonly binsScratch: number[] = new Array(LE.length).fill(0);
  private weights: Record<string, number> = {};
  private pools: Record<string, number> = {};
  private at = 0;
  private endAt: number;
  /** Requests generated so far. */
  sent = 0;

  constructor(
    private readonly model: ServiceModel,
    private readonly traffic: Scenario['traffic'],
    private readonly rng: Random,
    private readonly stepMs = 1000,
  ) {
    this.latency = new LatencyModel(model, traffic.mix, traffic.slowMs);
    this.endAt = traffic.duration;
  }

  /** Sets how many instances of `version` are up (0 = stopped). */
  setInstances(version: string, n: number): void {
    this.state(version).instances = n;
  }

  /** Applies a route table: weights and how many instances each pool lists. Advance first. */
  setRoute(weights: Record<string, number>, pools: Record<string, number>): void {
    this.weights = { ...weights };
    this.pools = { ...pools };
  }

  /** Adds an effect to a version; returns the function that removes it. */
  addEffect(version: string, effect: Effect): () => void {
    const s = this.state(version);
    s.effects.add(effect);
    return () => s.effects.delete(effect);
  }

  /** No request is sent at or after `ms`. */
  stopTrafficAt(ms: number): void {
    this.endAt = Math.min(this.endAt, ms);
  }

  /** Generates the traffic of (last advance, t] with the route in force. */
  advanceTo(t: number): void {
    const end = Math.min(t, this.endAt);
    while (this.at < end) {
      const next = Math.min(end, this.at + this.stepMs);
      this.step(this.at, next);
      this.at = next;
    }
    this.at = Math.max(this.at, t);
  }

  /** Router-style cumulative counters, as a scrape of the router's /metrics would return them. */
  samples(): Sample[] {
    const out: Sample[] = [];
    for (const [version, s] of this.versions) {
      if (s.count === 0) continue;
      for (const [code, n] of s.codes)
        out.push({
          name: 'rehearsal_router_requests_total',
          labels: this.labels(version, 'code', code),
          value: n,
        });
      let cumulative = 0;
      for (let i = 0; i < LE.length; i++) {
        cumulative += s.bins[i]!;
        out.push({
          name: 'rehearsal_router_request_duration_seconds_bucket',
          labels: this.labels(version, 'le', LE[i]!),
          value: cumulative,
        });
      }
    }
    return out;
  }

  /** One label object per series, reused across scrapes so the store can skip key computation. */
  private labels(version: string, name: 'code' | 'le', value: string): Record<string, string> {
    let perVersion = this.labelCache.get(version);
    if (!perVersion) {
      perVersion = new Map();
      this.labelCache.set(version, perVersion);
    }
    const key = name === 'le' ? value : `code=${value}`;
    let labels = perVersion.get(key);
    if (!labels) {
      labels = Object.freeze({ version, [name]: value }) as Record<string, string>;
      perVersion.set(key, labels);
    }
    return labels;
  }

  /** Responses of `version` that carried a fault marker. */
  marked(version: string, marker: string): number {
    return this.versions.get(version)?.marked.get(marker) ?? 0;
  }

  private state(version: string): VersionState {
    let s = this.versions.get(version);
    if (!s) {
      s = {
        instances: 0,
        effects: new Set(),
        codes: new Map(),
        bins: new Array(LE.length).fill(0),
        count: 0,
        marked: new Map(),
      };
      this.versions.set(version, s);
    }
    return s;
  }

  private step(from: number, to: number): void {
    const seconds = (to - from) / 1000;
    const rate = rateAt(this.traffic, (from + to) / 2);
    const totalWeight = Object.values(this.weights).reduce((a, b) => a + b, 0);
    if (totalWeight <= 0) return;
    for (const [version, weight] of Object.entries(this.weights)) {
      if (weight <= 0) continue;
      const n = poisson(this.rng, (rate * seconds * weight) / totalWeight);
      if (n > 0) this.serve(version, n, from, rate * (weight / totalWeight));
    }
  }

  private serve(version: string, n: number, at: number, versionRate: number): void {
    const s = this.state(version);
    this.sent += n;
    const up = Math.min(s.instances, this.pools[version] ?? 0);
    const count: TrafficCount = { at, version, requests: n, failed: 0, slow: 0, wrongVerdicts: 0 };
    this.truth.push(count);
    s.count += n;
    if (up === 0) {
      this.bump(s.codes, '503', n);
      s.bins[0]! += n;
      count.failed = n;
      return;
    }
    const rho = versionRate / (up * this.model.capacity.perInstanceRps);
    const overload = rho > 1 ? binomial(this.rng, n, 1 - 1 / rho) : 0;
    const served = n - overload;
    let toggleRate = 0;
    let extra = 0;
    let wrongRate = this.model.wrongVerdictRate;
    const markers: { marker: string; rate: number }[] = [];
    for (const e of s.effects) {
      if (e.errorRate) {
        if (e.marker) markers.push({ marker: e.marker, rate: e.errorRate });
        else toggleRate = 1 - (1 - toggleRate) * (1 - e.errorRate);
      }
      extra += e.extraLatencyMs ?? 0;
      if (e.wrongVerdictRate) wrongRate = 1 - (1 - wrongRate) * (1 - e.wrongVerdictRate);
    }
    const mix = this.traffic.mix;
    const mixTotal = mix.submit + mix.poll + mix.leaderboard;
    const submits = binomial(this.rng, served, mix.submit / mixTotal);
    const polls = binomial(this.rng, served - submits, mix.poll / Math.max(1e-9, mix.poll + mix.leaderboard));
    const writes = served - polls;
    let errors = 0;
    let left = writes;
    for (const m of markers) {
      const k = binomial(this.rng, left, m.rate);
      s.marked.set(m.marker, (s.marked.get(m.marker) ?? 0) + k);
      errors += k;
      left -= k;
    }
    if (toggleRate > 0) {
      const k = binomial(this.rng, left, toggleRate);
      errors += k;
      left -= k;
    }
    const { kinds } = this.model;
    const base =
      (submits * kinds.submit.errorRate +
        (writes - submits) * kinds.leaderboard.errorRate +
        polls * kinds.poll.errorRate) /
      Math.max(1, served);
    errors += binomial(this.rng, served - errors, base);
    const ok = served - errors;
    const factor = 1 / (1 - Math.min(rho, 0.95));
    const shape = this.latency.shape(factor, extra);
    multinomial(this.rng, served, shape.bins, this.binsScratch);
    for (let i = 0; i < LE.length; i++) s.bins[i]! += this.binsScratch[i]!;
    if (overload > 0) {
      s.bins[LE.length - 1]! += overload;
      this.bump(s.codes, '504', overload);
    }
    this.bump(s.codes, '200', ok);
    if (errors > 0) this.bump(s.codes, '500', errors);
    count.failed = errors + overload;
    count.slow = binomial(this.rng, ok, shape.slow);
    count.wrongVerdicts = binomial(this.rng, submits, wrongRate * (ok / Math.max(1, served)));
  }

  private bump(codes: Map<string, number>, code: string, n: number): void {
    codes.set(code, (codes.get(code) ?? 0) + n);
  }
}
