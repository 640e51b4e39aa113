import type { Effect } from '../faults/simulation.js';
import { judgeMetrics, routerMetrics } from '../monitor/metric-names.js';
import type { Sample } from '../monitor/prom-text.js';
import type { Scenario } from '../scenario/schema.js';
import { defaultVerdictMix, rateAt } from '../traffic/schedule.js';
import type { Random } from '../util/random.js';
import type { TrafficCount } from '../verdict/blast-radius.js';
import { binomial, multinomial, poisson } from './draws.js';
import { LatencyModel } from './latency.js';
import type { ServiceModel } from './model.js';
import type { ProblemShare } from './problem-mix.js';
import { type ProblemSplit, problemSplit, type SplitState, splitByProblem } from './problem-split.js';
import { LE, VersionLabels } from './service-labels.js';

interface VersionState {
  instances: number;
  /** Verdicts committed, and how many of them Accepted (the judge service's judged counter). */
  judged: number;
  accepted: number;
  /** POST /submissions the judge service answered, 2xx and 5xx (its HTTP counter). */
  submitOk: number;
  submitFailed: number;
  effects: Set<Effect>;
  codes: Map<string, number>;
  bins: number[];
  count: number;
  marked: Map<string, number>;
  /** Per problem (in the problem mix's order), when verdicts are split by problem. */
  byProblem?: { judged: number[]; accepted: number[] };
  /** Its series' labels, made at its first scrape. */
  labels?: VersionLabels;
}

const BUCKETS = `${routerMetrics.requestDuration}_bucket`;

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
  private readonly binsScratch: number[] = new Array(LE.length).fill(0);
  /** The route's weights as entries, and their sum: read at every step, changed only by a new route. */
  private weights: [string, number][] = [];
  private totalWeight = 0;
  private preview: { version: string; rate: number } | undefined;
  private pools: Record<string, number> = {};
  private at = 0;
  private endAt: number;
  /** Share of submissions whose correct verdict is Accepted (the scenario's verdict mix). */
  private readonly acceptedShare: number;
  private readonly split: ProblemSplit | undefined;
  /** Requests generated so far. */
  sent = 0;

  /**
   * With `problems`, every version's verdicts are also split by problem (the judge service's `problem`
   * label) and effects scoped to problems act; the aggregate draws stay the same.
   */
  constructor(
    private readonly model: ServiceModel,
    private readonly traffic: Scenario['traffic'],
    private readonly rng: Random,
    private readonly stepMs = 1000,
    problems?: readonly ProblemShare[],
  ) {
    if (problems?.length) {
      this.split = problemSplit(problems, rng.fork('problems'));
    }
    this.latency = new LatencyModel(model, traffic.mix, traffic.slowMs);
    this.endAt = traffic.duration;
    const verdicts = traffic.verdicts ?? defaultVerdictMix;
    const total = Object.values(verdicts).reduce((a, b) => a + (b ?? 0), 0);
    this.acceptedShare = total > 0 ? (verdicts.accepted ?? 0) / total : 1;
  }

  /** Starts (or, with no version, stops) smoke traffic at `rate` req/s to `version`, as blue-green's preview sends. Advance first. */
  setPreview(version?: string, rate = 0): void {
    this.preview = version === undefined || rate <= 0 ? undefined : { version, rate };
  }

  /** Sets how many instances of `version` are up (0 = stopped). */
  setInstances(version: string, n: number): void {
    this.state(version).instances = n;
  }

  /** Applies a route table: weights and how many instances each pool lists. Advance first. */
  setRoute(weights: Record<string, number>, pools: Record<string, number>): void {
    this.weights = Object.entries(weights);
    this.totalWeight = Object.values(weights).reduce((a, b) => a + b, 0);
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

  /**
   * Router-style cumulative counters, as a scrape of the router's /metrics would return them. Written into `out`: a
   * sample object already there for the same series (the same labels object) gets the new value, so that a caller
   * that hands back a finished scrape's array makes no objects at all while the series stay the same.
   */
  samples(out: Sample[] = []): Sample[] {
    let n = 0;
    for (const [version, s] of this.versions) {
      if (s.count === 0) continue;
      s.labels ??= new VersionLabels(
        version,
        this.split?.problems.map((p) => p.problem),
      );
      const labels = s.labels;
      for (const [code, count] of s.codes) n = put(out, n, routerMetrics.requests, labels.code(code), count);
      // The judge service's verdict counter (job="judge"): Accepted, and every other verdict lumped together;
      // by problem when split (every problem's series from the first scrape, as the service zero-initialises them).
      if (s.byProblem && this.split) {
        const { judged, accepted } = s.byProblem;
        for (let i = 0; i < labels.judgedByProblem.length; i++) {
          const l = labels.judgedByProblem[i]!;
          n = put(out, n, judgeMetrics.submissionsJudged, l.accepted, accepted[i]!);
          n = put(out, n, judgeMetrics.submissionsJudged, l.rejected, judged[i]! - accepted[i]!);
        }
      } else {
        n = put(out, n, judgeMetrics.submissionsJudged, labels.judged.accepted, s.accepted);
        n = put(out, n, judgeMetrics.submissionsJudged, labels.judged.rejected, s.judged - s.accepted);
      }
      n = put(out, n, judgeMetrics.httpRequests, labels.submitOk, s.submitOk);
      n = put(out, n, judgeMetrics.httpRequests, labels.submitFailed, s.submitFailed);
      let cumulative = 0;
      for (let i = 0; i < LE.length; i++) {
        cumulative += s.bins[i]!;
        n = put(out, n, BUCKETS, labels.buckets[i]!, cumulative);
      }
    }
    out.length = n;
    return out;
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
        judged: 0,
        accepted: 0,
        submitOk: 0,
        submitFailed: 0,
        effects: new Set(),
        codes: new Map(),
        bins: new Array(LE.length).fill(0),
        count: 0,
        marked: new Map(),
      };
      if (this.split) {
        const n = this.split.problems.length;
        s.byProblem = { judged: new Array(n).fill(0), accepted: new Array(n).fill(0) };
      }
      this.versions.set(version, s);
    }
    return s;
  }

  private step(from: number, to: number): void {
    const seconds = (to - from) / 1000;
    if (this.preview) {
      // Smoke requests routed by header to the preview version: seen by monitoring, not user traffic.
      const n = poisson(this.rng, this.preview.rate * seconds);
      if (n > 0) this.serve(this.preview.version, n, from, this.preview.rate, false);
    }
    const rate = rateAt(this.traffic, (from + to) / 2);
    const { totalWeight } = this;
    if (totalWeight <= 0) return;
    for (const [version, weight] of this.weights) {
      if (weight <= 0) continue;
      const n = poisson(this.rng, (rate * seconds * weight) / totalWeight);
      if (n > 0) this.serve(version, n, from, rate * (weight / totalWeight));
    }
  }

  private serve(version: string, n: number, at: number, versionRate: number, users = true): void {
    const s = this.state(version);
    if (users) this.sent += n;
    let lost = 0;
    for (const e of s.effects) lost = Math.max(lost, e.instancesLost ?? 0);
    // Lost instances fail their readiness probes and leave the pool (sim/engine/readiness-watch.ts).
    const up = Math.floor(Math.min(s.instances, this.pools[version] ?? 0) * (1 - lost) + 1e-9);
    const count: TrafficCount = { at, version, requests: n, failed: 0, slow: 0, wrongVerdicts: 0 };
    if (users) this.truth.push(count);
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
    let resetRate = 0;
    let extra = 0;
    let partial: Effect | undefined;
    let wrongRate = this.model.wrongVerdictRate;
    let wrongMarker: string | undefined;
    const scoped: Effect[] = [];
    const markers: { marker: string; rate: number }[] = [];
    for (const e of s.effects) {
      if (e.errorRate) {
        if (e.marker) markers.push({ marker: e.marker, rate: e.errorRate });
        else toggleRate = 1 - (1 - toggleRate) * (1 - e.errorRate);
      }
      if (e.resetRate) resetRate = 1 - (1 - resetRate) * (1 - e.resetRate);
      if (e.extraLatencyMs && (e.latencyShare ?? 1) < 1) partial = e;
      else if (e.extraLatencyMs) {
        extra += e.extraLatencyMs;
        if (e.marker) s.marked.set(e.marker, (s.marked.get(e.marker) ?? 0) + served);
      }
      if (e.wrongVerdictRate && e.problems) scoped.push(e);
      else if (e.wrongVerdictRate) {
        wrongRate = 1 - (1 - wrongRate) * (1 - e.wrongVerdictRate);
        wrongMarker ??= e.marker;
      }
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
    // Injected errors fall on submissions and leaderboard reads alike; then each kind's own base rate.
    let submitErrors = writes > 0 ? binomial(this.rng, errors, submits / writes) : 0;
    const { kinds } = this.model;
    const baseSubmit = binomial(this.rng, submits - submitErrors, kinds.submit.errorRate);
    const baseBoard = binomial(
      this.rng,
      writes - submits - (errors - submitErrors),
      kinds.leaderboard.errorRate,
    );
    submitErrors += baseSubmit;
    errors += baseSubmit + baseBoard + binomial(this.rng, polls, kinds.poll.errorRate);
    // Resets reach every kind of request; they are cut before an answer, so they count apart from 500s.
    const resets = resetRate > 0 ? binomial(this.rng, served - errors, resetRate) : 0;
    const ok = served - errors - resets;
    const factor = 1 / (1 - Math.min(rho, 0.95));
    const shape = this.latency.shape(factor, extra);
    let slowShare = shape.slow;
    if (partial) {
      // Part of the requests carry the extra delay (tail latency, or a share of the instances).
      const hit = binomial(this.rng, served, partial.latencyShare!);
      const delayed = this.latency.shape(factor, extra + partial.extraLatencyMs!);
      if (partial.marker) s.marked.set(partial.marker, (s.marked.get(partial.marker) ?? 0) + hit);
      multinomial(this.rng, hit, delayed.bins, this.binsScratch);
      for (let i = 0; i < LE.length; i++) s.bins[i]! += this.binsScratch[i]!;
      multinomial(this.rng, served - hit, shape.bins, this.binsScratch);
      slowShare = partial.latencyShare! * delayed.slow + (1 - partial.latencyShare!) * shape.slow;
    } else multinomial(this.rng, served, shape.bins, this.binsScratch);
    for (let i = 0; i < LE.length; i++) s.bins[i]! += this.binsScratch[i]!;
    if (overload > 0) {
      s.bins[LE.length - 1]! += overload;
      this.bump(s.codes, '504', overload);
    }
    this.bump(s.codes, '200', ok);
    if (errors > 0) this.bump(s.codes, '500', errors);
    if (resets > 0) this.bump(s.codes, 'reset', resets);
    count.failed = errors + resets + overload;
    count.slow = binomial(this.rng, ok, slowShare);
    // Submissions answered 2xx get a verdict; a wrong one flips Accepted and the rest (as the wrong-verdicts toggle does).
    const judged = submits - submitErrors;
    s.submitOk += judged;
    s.submitFailed += submits - judged;
    const wrong = binomial(this.rng, judged, wrongRate);
    const accepted =
      binomial(this.rng, judged - wrong, this.acceptedShare) +
      binomial(this.rng, wrong, 1 - this.acceptedShare);
    s.judged += judged;
    s.accepted += accepted;
    if (wrongMarker && wrong > 0) s.marked.set(wrongMarker, (s.marked.get(wrongMarker) ?? 0) + wrong);
    count.wrongVerdicts = wrong;
    if (s.byProblem)
      splitByProblem(
        this.split!,
        s as SplitState,
        count,
        accepted,
        judged - accepted,
        wrong,
        wrongRate,
        scoped,
      );
  }

  private bump(codes: Map<string, number>, code: string, n: number): void {
    codes.set(code, (codes.get(code) ?? 0) + n);
  }
}

/** Sets `out[n]` to the sample (name, labels, value), reusing the object there when it is of the same series; returns n + 1. */
function put(out: Sample[], n: number, name: string, labels: Record<string, string>, value: number): number {
  const s = out[n];
  if (s !== undefined && s.labels === labels && s.name === name) s.value = value;
  else out[n] = { name, labels, value };
  return n + 1;
}
