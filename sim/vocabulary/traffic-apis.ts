/**
 * The APIs a scenario's traffic may speak (`traffic.api`): `native`, the sample judge's function submissions
 * (`problem_id` + `source_code`), or `judge0`, Judge0 CE's stdin/stdout programs (`stdin` + `expected_output`).
 */
export const trafficApis = ['native', 'judge0'] as const;
/** A traffic API name. */
export type TrafficApi = (typeof trafficApis)[number];

/**
 * Labels that a Judge0 stdin/stdout program cannot carry to a Judge0 answer, with the reason: their solutions are
 * left out of judge0 traffic, and a scenario's `traffic.verdicts` may not ask for them.
 */
export const judge0Unexpressible: Readonly<Partial<Record<string, string>>> = {
  'memory-limit':
    'Judge0 has no memory-limit status: a program that runs out of memory is answered as a runtime error (status 7-12, e.g. 10 SIGABRT), indistinguishable from any other runtime error',
};

/** Why judge0 traffic cannot be sent by k6 (yet): the exported script speaks the native API only. */
export const k6Judge0Refusal =
  'the k6 driver speaks the native API only (its exported script sends problem_id submissions); use traffic.driver: builtin with traffic.api: judge0';
