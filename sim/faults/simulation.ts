/**
 * How `rehearse simulate` rehearses a fault (sim/simulate/): the vocabulary a fault kind's model speaks.
 * It sits with the faults, below the simulator, so that each fault's own file can carry its model.
 */

/** A change of a version's behaviour in the simulated service: a toggle, or a fault's effect. */
export interface Effect {
  /** Share of submission and leaderboard requests answered HTTP 500. */
  errorRate?: number;
  extraLatencyMs?: number;
  /** Share of the version's requests `extraLatencyMs` applies to (default 1: all). */
  latencyShare?: number;
  wrongVerdictRate?: number;
  /** Only these problems' verdicts are flipped by `wrongVerdictRate` (unset: every problem). */
  problems?: readonly string[];
  /** Share of the version's requests whose client connection the router resets. */
  resetRate?: number;
  /** Share of the version's instances gone (killed, or cut off by a partition); all gone: every request gets 503. */
  instancesLost?: number;
  /** The fault marker carried by the responses this effect shapes (errors and added latency). */
  marker?: string;
}

/** A fault kind's simulation model, typed by its configuration; a kind without one is skipped with the reason. */
export type FaultSimulation<C> =
  | {
      /** The fault changes the simulated service. */
      via: 'service';
      /**
       * Its effect on the target version, `affected` being the share of the version's instances it hits
       * (at least one). The marker is not stated here: it is the live fault's own (`Fault.marker`).
       */
      effect(config: C, affected: number): Omit<Effect, 'marker'>;
      /** Why this configuration has no model although its kind has one, or undefined. */
      unsupported?(config: C): string | undefined;
    }
  | {
      /** The fault turns the scraper's knobs: its live code runs as is against the simulated scraper. */
      via: 'monitoring';
    };
