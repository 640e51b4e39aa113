import { DockerPlatform } from './docker/docker-platform.js';
import { KindPlatform } from './kind/kind-platform.js';
import { LocalPlatform } from './local/local-platform.js';
import type { Platform } from './platform.js';

/** Every platform by name; the scenario enum and `--platform` derive from it. */
export const platforms = {
  local: () => new LocalPlatform(),
  docker: () => new DockerPlatform(),
  kind: (o: PlatformOptions) => new KindPlatform(o),
} as const satisfies Record<string, (o: PlatformOptions) => Platform>;

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
export const clusterPlatforms: readonly string[] = ['kind'];

/** A platform's name. */
export type PlatformName = keyof typeof platforms;

/** The platform names, for schemas and messages. */
export const platformNames = Object.keys(platforms) as [PlatformName, ...PlatformName[]];

/** Creates a platform by name; unknown names are errors that list the valid ones. */
export function createPlatform(name: string, options: PlatformOptions = {}): Platform {
  const make = (platforms as Record<string, (o: PlatformOptions) => Platform>)[name];
  if (!make) throw new Error(`unknown platform "${name}"; expected one of: ${platformNames.join(', ')}`);
  return make(options);
}

export type * from './platform.js';
