import type { PlatformName, PlatformOptions } from '../vocabulary/platforms.js';
import { platformNames } from '../vocabulary/platforms.js';
import type { Platform } from './platform.js';

/**
 * Every platform by name, each imported only when one is created: naming a platform (the scenario schema,
 * `rehearse validate`, `plan`) loads no Docker or Kubernetes client.
 */
export const platforms = {
  local: async () => new (await import('./local/local-platform.js')).LocalPlatform(),
  docker: async () => new (await import('./docker/docker-platform.js')).DockerPlatform(),
  kind: async (o: PlatformOptions) => new (await import('./kind/kind-platform.js')).KindPlatform(o),
} as const satisfies Record<PlatformName, (o: PlatformOptions) => Promise<Platform>>;

/** Creates a platform by name; unknown names are errors that list the valid ones. */
export async function createPlatform(name: string, options: PlatformOptions = {}): Promise<Platform> {
  const make = (platforms as Record<string, (o: PlatformOptions) => Promise<Platform>>)[name];
  if (!make) throw new Error(`unknown platform "${name}"; expected one of: ${platformNames.join(', ')}`);
  return make(options);
}

export type * from './platform.js';
