import Docker from 'dockerode';
import { messageOf } from '../../util/errors.js';

/** Where the engine is expected: DOCKER_HOST, else the default socket. */
export function engineAddress(env: NodeJS.ProcessEnv = process.env): string {
  return env.DOCKER_HOST ?? '/var/run/docker.sock';
}

/** A dockerode client for the engine at {@link engineAddress} (dockerode reads DOCKER_HOST itself). */
export function connectEngine(): Docker {
  return new Docker();
}

/** What a ping of the engine found. */
export type EngineProbe = { reachable: true; version: string } | { reachable: false; detail: string };

/** Pings the engine (bounded) and reads its version; never throws. */
export async function probeEngine(docker: Docker = connectEngine(), timeoutMs = 3000): Promise<EngineProbe> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    const version = await Promise.race([docker.ping().then(() => docker.version()), timeout]);
    return { reachable: true, version: version.Version };
  } catch (error) {
    return {
      reachable: false,
      detail: `Docker engine not reachable at ${engineAddress()}: ${messageOf(error)}`,
    };
  } finally {
    clearTimeout(timer);
  }
}

/** The hint every "engine not reachable" message carries. */
export const ENGINE_HINT = 'start dockerd (e.g. `dockerd > /tmp/dockerd.log 2>&1 &`) or use --platform local';
