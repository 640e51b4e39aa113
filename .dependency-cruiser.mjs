// The import boundaries of the code base, checked by test/architecture/boundaries.test.ts (and by
// `npx depcruise sim fixtures bench` for a readable list). Each rule says why the arrow is forbidden.
// Type-only imports count everywhere (tsPreCompilationDeps): a type cycle still ties two folders together,
// and a type import today is a value import after the next edit.

/** Harness code the router program must never reach: everything in sim/ but the router's own files, the
 * harness's router client, and npm packages (the router image ships no node_modules). */
const outsideRouterProgram = '^(sim/(?!router/)|sim/router/(client|route-editor|index)\\.ts$|node_modules/)';

/** The platform clients: heavy to load, and only `run`, `doctor`, `clean` and `calibrate` need one. */
const platformClients = '^(node_modules/(dockerode|@kubernetes/client-node|testcontainers)/|sim/platform/(docker|kind)/)';

/** @type {import('dependency-cruiser').IForbiddenRuleType[]} */
export const forbidden = [
  {
    name: 'no-cycle',
    severity: 'error',
    comment: 'Modules that import each other can only be understood, tested and moved together.',
    from: {},
    to: { circular: true },
  },
  {
    name: 'vocabulary-at-the-bottom',
    severity: 'error',
    comment:
      'The shared names and types import nothing above them (only util/, the Clock interface and zod for the scenario fields), so any folder may use them.',
    from: { path: '^sim/vocabulary/' },
    to: { path: '^(sim/(?!vocabulary/|util/|clock/clock\\.ts$)|node_modules/(?!zod/))' },
  },
  {
    name: 'light-commands',
    severity: 'error',
    comment: '`rehearse validate` and `plan` start nothing; they load no platform client, not even lazily.',
    from: { path: '^sim/commands/(validate|plan)\\.ts$' },
    to: { path: platformClients, reachable: true },
  },
  {
    name: 'release-analysis-not-traffic',
    severity: 'error',
    comment: 'The controller and its checks decide from monitoring alone; client-side traffic is ground truth.',
    from: { path: '^sim/(release|analysis)/' },
    to: { path: '^sim/traffic/' },
  },
  {
    name: 'analysis-not-platform',
    severity: 'error',
    comment: 'Checks measure series; they never touch instances.',
    from: { path: '^sim/analysis/' },
    to: { path: '^sim/platform/' },
  },
  {
    name: 'scenario-is-pure',
    severity: 'error',
    comment: 'Loading, validating and planning a scenario starts nothing and loads no platform client.',
    from: { path: '^sim/scenario/' },
    to: { path: '^sim/(platform|engine|report)/' },
  },
  {
    name: 'report-not-platform',
    severity: 'error',
    comment: 'Reports are built from report.json alone (`rehearse report` rebuilds them without a platform).',
    from: { path: '^sim/report/' },
    to: { path: '^sim/platform/' },
  },
  {
    name: 'judge-service-standalone',
    severity: 'error',
    comment: 'The system under test is its own program (and image); it knows nothing of the harness.',
    from: { path: '^fixtures/judge-service/' },
    to: { path: '^sim/' },
  },
  {
    name: 'router-program-standalone',
    severity: 'error',
    comment: 'The router is its own program (and image, without node_modules); it shares only its own files.',
    from: { path: '^sim/router/main\\.ts$' },
    to: { path: outsideRouterProgram, reachable: true },
  },
];

/** @type {import('dependency-cruiser').ICruiseOptions} */
export const options = {
  tsConfig: { fileName: 'tsconfig.json' },
  tsPreCompilationDeps: true,
  doNotFollow: { path: '^node_modules/' },
  exclude: { path: '^(dist|fixtures/problems)/' },
};

export default { forbidden, options };
