import { DockerPlatform } from './docker/docker-platform.js';
import { LocalPlatform } from './local/local-platform.js';
import type { Platform } from './platform.js';

/** Every platform by name; the scenario enum and `--platform` derive from it. */
export const platforms = {
  local: () => new LocalPlatform(),
  docker: () => new DockerPlatform(),
} as const satisfies Record<string, () => Platform>;

/** A platform's name. */
export type PlatformName = keyof typeof platforms;

/** The platform names, for schemas and messages. */
export const platformNames = Object.keys(platforms) as [PlatformName, ...PlatformName[]];

/** Creates a platform by name; unknown names are errors that list the valid ones. */
export function createPlatform(name: string): Platform {
  const make = (platforms as Record<string, () => Platform>)[name];
  if (!make) throw new Error(`unknown platform "${name}"; expected one of: ${platformNames.join(', ')}`);
  return make();
}

export type * from './platform.js';
