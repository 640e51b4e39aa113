import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { ExitCode, RehearsalError } from '../util/errors.js';
import { packageRoot } from '../util/paths.js';

/** Where `rehearse calibrate` writes the model and `rehearse simulate` reads it. */
export const modelFile = join(packageRoot, 'fixtures/judge-model.json');

const kindModel = z.strictObject({
  /** Median latency at low load, ms. */
  medianMs: z.number().gt(0),
  /** 95th percentile at low load, ms (sets the log-normal's spread). */
  p95Ms: z.number().gt(0),
  /** Share of requests answered 5xx with no fault injected. */
  errorRate: z.number().min(0).max(1).default(0),
  /** Requests the figures rest on (0 for hand-written models). */
  samples: z.number().int().min(0).default(0),
});

/** A statistical model of the judge service (format documented in sim/simulate/README.md). */
export const serviceModelSchema = z.strictObject({
  schemaVersion: z.literal(1),
  /** How the model was made: `calibrate` or `hand-written`. */
  source: z.string(),
  measuredAt: z.string().optional(),
  platform: z.string().optional(),
  /** Latency and base errors per kind of request. */
  kinds: z.strictObject({ submit: kindModel, poll: kindModel, leaderboard: kindModel }),
  /** Share of judged submissions that get a wrong verdict with no fault injected. */
  wrongVerdictRate: z.number().min(0).max(1).default(0),
  /** Requests per second one instance serves before it saturates (queueing grows as 1/(1−ρ)). */
  capacity: z.strictObject({ perInstanceRps: z.number().gt(0) }),
  /** Time from deploy to ready, ms. */
  deployMs: z.number().min(0).default(800),
  /** Monitoring: samples become visible `lagMs` after they are taken; a share of scrapes is lost. */
  monitoring: z
    .strictObject({
      lagMs: z.number().min(0).default(0),
      gapProbability: z.number().min(0).max(0.9).default(0),
    })
    .default({ lagMs: 0, gapProbability: 0 }),
  /** How `rehearse calibrate` measured it. */
  calibration: z
    .strictObject({
      rate: z.number(),
      durationMs: z.number(),
      replicas: z.number().int(),
      workers: z.number().int(),
      requests: z.number().int(),
      seed: z.number().int(),
    })
    .optional(),
});

/** The service model after defaults. */
export type ServiceModel = z.output<typeof serviceModelSchema>;
/** One kind's latency and error figures. */
export type KindModel = z.output<typeof kindModel>;

/** A hand-written model used when no calibrated file exists (figures of the same order as the local service). */
export const defaultModel: ServiceModel = serviceModelSchema.parse({
  schemaVersion: 1,
  source: 'hand-written',
  kinds: {
    submit: { medianMs: 40, p95Ms: 120 },
    poll: { medianMs: 3, p95Ms: 10 },
    leaderboard: { medianMs: 5, p95Ms: 15 },
  },
  capacity: { perInstanceRps: 150 },
});

/** Reads and validates a model file; errors name the file and field. */
export function loadModel(file: string): ServiceModel {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new RehearsalError(
      `${file}: cannot read the service model (${(error as Error).message})`,
      'run `rehearse calibrate` to write one, or pass --model FILE',
      ExitCode.invalidScenario,
    );
  }
  const parsed = serviceModelSchema.safeParse(data);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${file}: ${i.path.join('.') || '(root)'} ${i.message}`);
    throw new RehearsalError(
      problems.join('\n'),
      'see sim/simulate/README.md for the model format, or run `rehearse calibrate`',
      ExitCode.invalidScenario,
    );
  }
  return parsed.data;
}

/** Log-normal spread (σ) from a median and a 95th percentile. */
export function sigmaOf(k: KindModel): number {
  return Math.max(0.01, Math.log(Math.max(k.p95Ms, k.medianMs * 1.0001) / k.medianMs) / 1.6448536);
}

/** The model in `file` (default: the shipped calibrated model), or the hand-written one when no file exists. */
export function resolveModel(file?: string): { model: ServiceModel; file: string | null } {
  if (file) return { model: loadModel(file), file };
  if (existsSync(modelFile)) return { model: loadModel(modelFile), file: modelFile };
  return { model: defaultModel, file: null };
}
