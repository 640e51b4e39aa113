import { z } from 'zod';
import { faultKinds, faultSchema } from '../faults/index.js';
import { serviceMetricNamesSchema } from '../monitor/service-metrics.js';
import { strategySchema } from '../release/strategies/index.js';
import { platformNames } from '../vocabulary/platforms.js';
import { duration, share, versionLabel } from '../vocabulary/scenario-fields.js';
import { judge0Unexpressible, k6Judge0Refusal, trafficApis } from '../vocabulary/traffic-apis.js';
import { driverNames } from '../vocabulary/traffic-drivers.js';
import { type VerdictName, verdicts } from '../vocabulary/verdicts.js';
import { judgeToggleNames } from './toggle-names.js';

const profileSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('constant'), rate: z.number().gt(0).max(5000) }),
  z.strictObject({
    type: z.literal('ramp'),
    from: z.number().min(0).max(5000),
    to: z.number().min(0).max(5000),
  }),
]);

/** How Judge0 traffic learns a submission's verdict. */
const judge0Schema = z.strictObject({
  /** `true`: `POST /submissions?wait=true` answers the verdict; `false`: the token, then polled by `GET /submissions/:token`. */
  wait: z.boolean().default(false),
  /** Between two polls of one submission (with `wait: false`). */
  pollInterval: duration
    .refine((ms) => ms >= 10 && ms <= 10_000, 'must be between 10ms and 10s')
    .default(200),
});

const trafficSchema = z.strictObject({
  profile: profileSchema,
  duration: duration.refine((ms) => ms >= 1000 && ms <= 3_600_000, 'must be between 1s and 1h'),
  arrivals: z.enum(['poisson', 'uniform']).default('poisson'),
  mix: z
    .strictObject({ submit: share.default(0.8), poll: share.default(0.15), leaderboard: share.default(0.05) })
    .refine(
      (m) => m.submit + m.poll + m.leaderboard > 0,
      'at least one kind of request must have a share above 0',
    )
    .default({ submit: 0.8, poll: 0.15, leaderboard: 0.05 }),
  users: z.number().int().min(1).max(1_000_000).default(500),
  verdicts: z.partialRecord(z.enum(verdicts), share).optional(),
  /** Relative popularity of problems (corpus ids); a problem not named weighs 1. Unset: all alike. */
  problems: z.record(z.string().min(1), z.number().gt(0).max(1000)).optional(),
  timeout: duration.default(10_000),
  slowMs: z.number().gt(0).default(1000),
  /** Traffic keeps flowing this long after the release is decided, to see its aftermath; then it stops. */
  settle: duration.default(5000),
  /** Who sends the traffic: the built-in generator, or the k6 binary when it is on PATH. */
  driver: z.enum(driverNames).default('builtin'),
  /**
   * The API the traffic speaks: `native` (the sample judge's `problem_id` submissions) or `judge0` (Judge0 CE's
   * stdin/stdout programs with `expected_output`, `base64_encoded`, polled by token or `wait=true`).
   */
  api: z.enum(trafficApis).default('native'),
  judge0: judge0Schema.optional(),
});

/** How the harness probes instances and takes the unready ones out of the router (see sim/engine/readiness-watch.ts). */
const readinessProbeSchema = z.strictObject({
  period: duration.refine((ms) => ms >= 100 && ms <= 60_000, 'must be between 100ms and 60s').default(500),
  timeout: duration.refine((ms) => ms >= 50 && ms <= 60_000, 'must be between 50ms and 60s').default(1000),
  failureThreshold: z.number().int().min(1).max(20).default(2),
});

/** How to start one version of a service Rehearsal does not build: an image (docker, kind) or a command (local). */
const externalVersionSchema = z
  .strictObject({
    /** A container image that exists locally (docker platform; `docker image inspect`); never pulled. */
    image: z.string().min(1).optional(),
    /**
     * A command (local platform): argv, run without a shell in its own process group; in it and in `env` values,
     * `{port}` is a free port (also in PORT), `{instance}` the instance id, `{workdir}` the run folder, `{scenarioDir}` this file's folder.
     */
    command: z.array(z.string().min(1)).min(1).optional(),
    port: z.number().int().min(1).max(65_535).default(8080),
    liveness: z.string().regex(/^\//, 'must be a path starting with /').default('/healthz'),
    readiness: z.string().regex(/^\//, 'must be a path starting with /').default('/readyz'),
    /** The service's own Prometheus metrics path; unset: only the router's per-version metrics are read. */
    metrics: z.string().regex(/^\//, 'must be a path starting with /').optional(),
    env: z
      .record(
        z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name'),
        z.string(),
      )
      .default({}),
    startupTimeout: duration.default(30_000),
  })
  .refine((v) => v.image !== undefined || v.command !== undefined, {
    message: 'needs image (docker, kind) or command (local): how to start this version',
  });

/** Service-side fault kinds the router can inject in front of a service without toggles. */
export const routerInjectableFaults = ['http-errors', 'latency', 'wrong-verdicts'] as const;

const serviceSchema = z.strictObject({
  /** `sample`: the bundled judge service; `external`: a service started from `versions` (an image or a command). */
  kind: z.enum(['sample', 'external']).default('sample'),
  /** With `kind: external`: how to start each version (stable and candidate), by version label. */
  versions: z.record(versionLabel, externalVersionSchema).optional(),
  /**
   * With `kind: external`: the service's own metric names (and labels) for the service metrics the built-in checks
   * read (acceptance rate, submission success, leaderboard lag, queue depth, memory); see sim/monitor/service-metrics.ts.
   */
  metricNames: serviceMetricNamesSchema.optional(),
  replicas: z.number().int().min(1).max(16).default(2),
  stable: versionLabel.default('v1'),
  candidate: versionLabel.default('v2'),
  workers: z.number().int().min(1).max(8).optional(),
  toggles: z.record(z.string(), z.record(z.string(), z.unknown())).optional(),
  /** Unready instances leave the router as behind a Kubernetes Service; `false` routes to every instance regardless. */
  readinessProbe: z.union([z.literal(false), readinessProbeSchema]).default(readinessProbeSchema.parse({})),
});

const expectSchema = z.strictObject({
  outcome: z.enum(['promoted', 'rolled-back', 'paused']),
  detectWithin: duration.optional(),
  rollbackWithin: duration.optional(),
  maxFailedRequests: z.number().int().min(0).optional(),
  maxWrongVerdicts: z.number().int().min(0).optional(),
  lostSubmissions: z.number().int().min(0).default(0),
  /** The metric the first failed check must measure (e.g. acceptance_rate: caught by business metrics, not error rate). */
  detectedBy: z.string().optional(),
  /** Whether rolling back must restore service (false: stable is broken too, and the report must say so). */
  rollbackRestoresService: z.boolean().optional(),
  /**
   * The classification the rehearsal must get (judged from what users got): e.g. `missed` for a scenario written
   * to show a blind policy. Unset: implied by `outcome` (promoted → promoted, rolled-back → caught, paused →
   * caught or inconclusive).
   */
  classification: z.enum(['caught', 'promoted', 'missed', 'false-rollback', 'inconclusive']).optional(),
});

/** Where an imported scenario's policy came from (`rehearse import`), and how much its time was compressed. */
const sourceSchema = z.strictObject({
  kind: z.enum(['argo-rollout', 'flagger-canary']),
  file: z.string().min(1),
  /** Policy durations were divided by this (10: a 1m interval runs every 6s). */
  timeScale: z.number().gt(0).max(1000),
});

const monitoringSchema = z
  .strictObject({
    scrapeInterval: duration.default(1000),
    /**
     * What the controller reads: the harness's own scraper and store (`builtin`), or a Prometheus answering
     * PromQL (`prometheus`): the one `rehearse run --prometheus` starts, or the one at `url`.
     */
    source: z.enum(['builtin', 'prometheus']).default('builtin'),
    /** An existing Prometheus (e.g. http://127.0.0.1:9090) that already scrapes the run's targets. */
    url: z
      .string()
      .regex(/^https?:\/\/[^\s/?#]+(\/\S*)?$/, 'must be an http(s) URL like http://127.0.0.1:9090')
      .optional(),
  })
  .refine((m) => m.url === undefined || m.source === 'prometheus', {
    message: 'url is the address of a Prometheus: it needs source: prometheus',
    path: ['url'],
  });

/** The whole scenario file. */
export const scenarioSchema = z
  .strictObject({
    name: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'must be lower-case letters, digits and dashes'),
    description: z.string().default(''),
    seed: z
      .number()
      .int()
      .min(0)
      .max(2 ** 31 - 1)
      .default(1),
    platform: z.enum(platformNames).optional(),
    tags: z.array(z.string()).default([]),
    source: sourceSchema.optional(),
    service: serviceSchema.default(serviceSchema.parse({})),
    traffic: trafficSchema,
    monitoring: monitoringSchema.default(monitoringSchema.parse({})),
    strategy: strategySchema,
    faults: z.array(faultSchema).default([]),
    /** The availability objective the report's error budget is measured against (0.999: 99.9% of requests succeed). */
    slo: z.number().gt(0).lt(1).default(0.999),
    expect: expectSchema,
  })
  .superRefine((s, ctx) => {
    if (s.service.stable === s.service.candidate) {
      ctx.addIssue({
        code: 'custom',
        path: ['service', 'candidate'],
        message: `must differ from service.stable (${s.service.stable})`,
      });
    }
    for (const [version, toggles] of Object.entries(s.service.toggles ?? {})) {
      if (version !== s.service.stable && version !== s.service.candidate)
        ctx.addIssue({
          code: 'custom',
          path: ['service', 'toggles', version],
          message: `must be a version of this scenario (${s.service.stable} or ${s.service.candidate}), got ${JSON.stringify(version)}`,
        });
      for (const name of Object.keys(toggles)) {
        if (!(judgeToggleNames as readonly string[]).includes(name))
          ctx.addIssue({
            code: 'custom',
            path: ['service', 'toggles', version, name],
            message: `must be a judge service toggle (${judgeToggleNames.join(', ')}), got ${JSON.stringify(name)}`,
          });
      }
    }
    const { traffic } = s;
    if (traffic.api === 'judge0') {
      for (const [verdict, why] of Object.entries(judge0Unexpressible))
        if ((traffic.verdicts?.[verdict as VerdictName] ?? 0) > 0)
          ctx.addIssue({
            code: 'custom',
            path: ['traffic', 'verdicts', verdict],
            input: traffic.verdicts?.[verdict as VerdictName],
            message: `must be 0 for traffic.api: judge0 (${why}); give its share to runtime-error`,
          });
      if (traffic.driver === 'k6')
        ctx.addIssue({
          code: 'custom',
          path: ['traffic', 'driver'],
          input: traffic.driver,
          message: `must be builtin for traffic.api: judge0: ${k6Judge0Refusal}`,
        });
    } else if (traffic.judge0 !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['traffic', 'judge0'],
        input: traffic.judge0,
        message: `must be left out: it applies only to traffic.api: judge0, and traffic.api is ${traffic.api}`,
      });
    }
    if (s.service.kind === 'external') {
      for (const version of [s.service.stable, s.service.candidate]) {
        if (s.service.versions?.[version] === undefined)
          ctx.addIssue({
            code: 'custom',
            path: ['service', 'versions', version],
            message: `service.kind external needs how to start ${version}: service.versions.${version} with image or command`,
          });
      }
      if (s.service.toggles !== undefined)
        ctx.addIssue({
          code: 'custom',
          path: ['service', 'toggles'],
          message: 'an external service has no toggles Rehearsal can set; remove service.toggles',
        });
      const scraped = Object.values(s.service.versions ?? {}).some((v) => v.metrics !== undefined);
      if (s.service.metricNames !== undefined && !scraped)
        ctx.addIssue({
          code: 'custom',
          path: ['service', 'metricNames'],
          message:
            "maps the service's own metrics, but no version says where they are: set service.versions.<version>.metrics (its metrics path, e.g. /metrics)",
        });
    } else {
      if (s.service.versions !== undefined)
        ctx.addIssue({
          code: 'custom',
          path: ['service', 'versions'],
          message: 'versions describe an external service: set service.kind: external, or remove versions',
        });
      if (s.service.metricNames !== undefined)
        ctx.addIssue({
          code: 'custom',
          path: ['service', 'metricNames'],
          message:
            "maps an external service's metrics: the sample judge's names are fixed; set service.kind: external, or remove metricNames",
        });
    }
    const interval = s.strategy.analysis?.interval;
    if (interval !== undefined && interval < 100)
      ctx.addIssue({
        code: 'custom',
        path: ['strategy', 'analysis', 'interval'],
        message: `must be at least 100ms (analysis rounds run every interval; 0 would spin), got ${interval}ms`,
      });
    const versions = new Set(['candidate', 'stable', s.service.stable, s.service.candidate]);
    s.faults.forEach((f, i) => {
      if (f.at >= s.traffic.duration)
        ctx.addIssue({
          code: 'custom',
          path: ['faults', i, 'at'],
          message: `must be before traffic ends at ${s.traffic.duration / 1000}s (traffic.duration), or the fault never acts; got ${f.at / 1000}s`,
        });
      if (
        s.service.kind === 'external' &&
        (faultKinds[f.type].layer === 'service' || faultKinds[f.type].layer === 'store') &&
        !(routerInjectableFaults as readonly string[]).includes(f.type)
      )
        ctx.addIssue({
          code: 'custom',
          path: ['faults', i, 'type'],
          message: `${f.type} needs the sample judge's fault toggles, which an external service does not have; the router can inject ${routerInjectableFaults.join(', ')} for it, and instance, network and monitoring faults work as for the sample`,
        });
      if (s.service.kind === 'external' && f.type === 'wrong-verdicts' && f.problems !== undefined)
        ctx.addIssue({
          code: 'custom',
          path: ['faults', i, 'problems'],
          message:
            'must be left out for an external service: the router flips verdicts by submission token and cannot tell which problem a submission is for',
        });
      if (s.service.kind === 'external' && f.type === 'latency' && f.mode === 'tail' && f.requests >= 1)
        ctx.addIssue({
          code: 'custom',
          path: ['faults', i, 'requests'],
          message:
            'must be below 1 for an external service (the router marks a delay of every request as latency, not tail-latency); use mode: fixed to delay every request',
        });
      if (!versions.has(f.target)) {
        ctx.addIssue({
          code: 'custom',
          path: ['faults', i, 'target'],
          message: `must be candidate, stable, ${s.service.stable} or ${s.service.candidate}, got ${JSON.stringify(f.target)}`,
        });
      } else if (
        f.type === 'crash-on-start' &&
        f.target !== 'candidate' &&
        f.target !== s.service.candidate
      ) {
        // Stable is started before any fault is scheduled; a stable that never starts leaves nothing to release.
        ctx.addIssue({
          code: 'custom',
          path: ['faults', i, 'target'],
          message: `crash-on-start acts on the candidate only, got ${JSON.stringify(f.target)}`,
        });
      }
    });
  });

/** A validated scenario with defaults applied; durations in milliseconds. */
export type Scenario = z.output<typeof scenarioSchema>;
