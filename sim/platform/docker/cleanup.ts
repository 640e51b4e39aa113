import { execFileSync } from 'node:child_process';
import { hostname } from 'node:os';
import type Docker from 'dockerode';
import { IMAGE_LABEL } from '../images/docker-images.js';
import { labelFilter, OWNER_LABEL, OWNER_PROCESS_LABEL } from './labels.js';

/** What a clean-up removed. */
export interface Removed {
  containers: string[];
  networks: string[];
  volumes: string[];
}

/** Options of {@link removeLabelled}. */
export interface RemoveOptions {
  /** Keeps resources for which this returns true (e.g. those of a run still in progress). */
  spare?: (labels: Record<string, string>) => boolean;
  /** Called with each container before it is removed (to save its logs). */
  beforeRemove?: (container: Docker.Container, name: string) => Promise<void>;
}

/** Removes every container, then network, then volume carrying all of `labels` (`key` or `key=value`). */
export async function removeLabelled(
  docker: Docker,
  labels: string[],
  opts: RemoveOptions = {},
): Promise<Removed> {
  const filters = labelFilter(...labels);
  const spare = opts.spare ?? (() => false);
  const removed: Removed = { containers: [], networks: [], volumes: [] };
  const containers = (await docker.listContainers({ all: true, filters })).filter((c) => !spare(c.Labels));
  await Promise.all(
    containers.map(async (info) => {
      const container = docker.getContainer(info.Id);
      const name = info.Names[0]?.replace(/^\//, '') ?? info.Id.slice(0, 12);
      await opts.beforeRemove?.(container, name);
      await container.remove({ force: true, v: true }).catch(ignoreGone);
      removed.containers.push(name);
    }),
  );
  for (const net of (await docker.listNetworks({ filters })).filter((n) => !spare(n.Labels ?? {}))) {
    await docker.getNetwork(net.Id).remove().catch(ignoreGone);
    removed.networks.push(net.Name);
  }
  const { Volumes } = await docker.listVolumes({ filters });
  for (const vol of (Volumes ?? []).filter((v) => !spare(v.Labels ?? {}))) {
    await docker.getVolume(vol.Name).remove().catch(ignoreGone);
    removed.volumes.push(vol.Name);
  }
  return removed;
}

function ignoreGone(error: { statusCode?: number }): void {
  if (error.statusCode !== 404 && error.statusCode !== 409) throw error;
}

/** Whether the harness process named by a resource's owner label (`pid@host`) is still alive on this host. */
export function ownerAlive(labels: Record<string, string>): boolean {
  const [pid, host] = (labels[OWNER_PROCESS_LABEL] ?? '').split('@');
  if (!pid || host !== hostname()) return false;
  try {
    process.kill(Number(pid), 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Last line of defence when the process exits without `dispose()` having finished: 'exit' handlers must be
 * synchronous, so this shells out to the docker CLI (when installed) to force-remove the scope's resources.
 */
export function removeLabelledSync(label: string): void {
  const run = (args: string[]) => {
    try {
      return execFileSync('docker', args, {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
        timeout: 15_000,
      })
        .split('\n')
        .filter(Boolean);
    } catch {
      return [];
    }
  };
  const ids = run(['ps', '-aq', '--filter', `label=${label}`]);
  if (ids.length > 0) run(['rm', '-fv', ...ids]);
  const nets = run(['network', 'ls', '-q', '--filter', `label=${label}`]);
  if (nets.length > 0) run(['network', 'rm', ...nets]);
  const vols = run(['volume', 'ls', '-q', '--filter', `label=${label}`]);
  if (vols.length > 0) run(['volume', 'rm', '-f', ...vols]);
}

/** Options of {@link cleanLeftovers}. */
export interface CleanOptions {
  /** Also removes resources of runs whose harness process is still alive. */
  all?: boolean;
  /** Also removes the cached images (base, judge service, router). */
  images?: boolean;
}

/** Removes what crashed runs left behind (only resources labelled as ours); live runs are spared unless `all`. */
export async function cleanLeftovers(
  docker: Docker,
  opts: CleanOptions = {},
): Promise<Removed & { images: string[]; spared: number }> {
  let spared = 0;
  const spare = (labels: Record<string, string>) => {
    const keep = !opts.all && ownerAlive(labels);
    if (keep) spared++;
    return keep;
  };
  const removed = await removeLabelled(docker, [`${OWNER_LABEL}=1`], { spare });
  const images: string[] = [];
  if (opts.images) {
    for (const image of await docker.listImages({ filters: labelFilter(IMAGE_LABEL) })) {
      for (const tag of image.RepoTags ?? []) {
        await docker
          .getImage(tag)
          .remove()
          .then(
            () => images.push(tag),
            () => undefined,
          );
      }
    }
  }
  return { ...removed, images, spared };
}
