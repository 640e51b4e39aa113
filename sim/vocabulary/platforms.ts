/**
 * The platform names, for the scenario schema, `--platform` and messages. Only names: the platforms themselves
 * (and their client libraries) load when one is created (`createPlatform` in sim/platform/index.ts).
 */
export const platformNames = ['local', 'docker', 'kind'] as const;

/** A platform's name. */
export type PlatformName = (typeof platformNames)[number];

/** Where a cluster platform runs (`rehearse run --cluster/--kubeconfig/--context`); other platforms ignore them. */
export interface PlatformOptions {
  /** An existing kind cluster to reuse. */
  cluster?: string;
  /** A kubeconfig file. */
  kubeconfig?: string;
  /** A kubeconfig context. */
  context?: string;
}

/** The platforms that take {@link PlatformOptions}. */
export const clusterPlatforms: readonly string[] = ['kind'] satisfies PlatformName[];
