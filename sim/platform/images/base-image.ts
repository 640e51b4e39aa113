import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type Docker from 'dockerode';
import { ExitCode, RehearsalError } from '../../util/errors.js';
import type { Logger } from '../../util/logger.js';
import { packageRoot } from '../../util/paths.js';
import { engineAddress } from '../docker/engine.js';
import { BuildContext } from './build-context.js';
import { buildImage, hasImage, IMAGE_LABEL, tryPull } from './docker-images.js';

/** How the base image was obtained: already in the engine, pulled now, or built locally from this machine's node. */
export type BasePath = 'public-present' | 'public-pulled' | 'local-build';

/** The Node image the service and router images are built on. */
export interface BaseImage {
  ref: string;
  path: BasePath;
  /** Why this path was taken (e.g. the pull error that led to the local build). */
  detail: string;
}

/** The configured public base: REHEARSAL_DOCKER_BASE_IMAGE, else the official image of this Node version; `local` forces the local build. */
export function configuredBase(env: NodeJS.ProcessEnv = process.env): string {
  return env.REHEARSAL_DOCKER_BASE_IMAGE ?? `node:${process.versions.node}-bookworm-slim`;
}

/** Which path would be taken, without pulling or building anything (for `rehearse doctor`). */
export async function describeBasePath(
  docker: Docker,
  env: NodeJS.ProcessEnv = process.env,
): Promise<string> {
  const wanted = configuredBase(env);
  if (wanted !== 'local' && (await hasImage(docker, wanted))) return `base image ${wanted} (present)`;
  const local = localBaseTag();
  const cached = (await hasImage(docker, local)) ? ' (cached)' : '';
  if (wanted === 'local') return `local base build ${local}${cached} (REHEARSAL_DOCKER_BASE_IMAGE=local)`;
  return `pull ${wanted}, else local base build ${local}${cached} from ${process.execPath}`;
}

const memo = new Map<string, Promise<BaseImage>>();

/** Finds or makes the base image once per engine, configuration and process: present → pull → local build. */
export function ensureBase(
  docker: Docker,
  log: Logger,
  env: NodeJS.ProcessEnv = process.env,
): Promise<BaseImage> {
  const key = `${engineAddress(env)}\n${configuredBase(env)}`;
  let pending = memo.get(key);
  if (!pending) {
    pending = resolveBase(docker, log, env);
    pending.catch(() => memo.delete(key));
    memo.set(key, pending);
  }
  return pending;
}

async function resolveBase(docker: Docker, log: Logger, env: NodeJS.ProcessEnv): Promise<BaseImage> {
  const wanted = configuredBase(env);
  let why = 'REHEARSAL_DOCKER_BASE_IMAGE=local';
  if (wanted !== 'local') {
    if (await hasImage(docker, wanted))
      return { ref: wanted, path: 'public-present', detail: `${wanted} was present in the engine` };
    const failure = await tryPull(docker, wanted);
    if (failure === undefined) return { ref: wanted, path: 'public-pulled', detail: `pulled ${wanted}` };
    why = `pull of ${wanted} failed: ${failure}`;
    log.info(`docker: ${why}; building the base locally`);
  }
  const ref = localBaseTag();
  if (!(await hasImage(docker, ref))) await buildLocalBase(docker, ref);
  return {
    ref,
    path: 'local-build',
    detail: `${why}; base built from ${process.execPath} and the libraries it links`,
  };
}

/** Files of the local root file system: node, the shared libraries it and the SQLite addon link, and their loader. */
function rootfsFiles(): string[] {
  const addon = join(packageRoot, 'node_modules/better-sqlite3/build/Release/better_sqlite3.node');
  if (!existsSync(addon))
    throw new RehearsalError(
      `${addon} is missing`,
      'run `npm ci` (it builds the SQLite addon the image carries)',
      ExitCode.platformUnavailable,
    );
  const out = execFileSync('ldd', [process.execPath, addon], { encoding: 'utf8' });
  const libs = [...out.matchAll(/(\/\S+\.so[.\d]*)/g)].map((m) => m[1]!);
  return [...new Set([process.execPath, ...libs])];
}

let tagMemo: string | undefined;
const BASE_DOCKERFILE = join(packageRoot, 'fixtures/docker/node-base.Dockerfile');
const BASE_LABELS = { [IMAGE_LABEL]: 'node-base' };

/** `rehearsal/node-base:<node version>-<hash of the staged files>`. */
export function localBaseTag(): string {
  if (tagMemo) return tagMemo;
  const recipe = `${readFileSync(BASE_DOCKERFILE, 'utf8')}\n${JSON.stringify(BASE_LABELS)}\n`;
  const fingerprint =
    recipe +
    rootfsFiles()
      .map((f) => `${f}:${statSync(f).size}:${statSync(f).mtimeMs}`)
      .join('\n');
  tagMemo = `rehearsal/node-base:${process.versions.node}-${createHash('sha256').update(fingerprint).digest('hex').slice(0, 12)}`;
  return tagMemo;
}

async function buildLocalBase(docker: Docker, ref: string): Promise<void> {
  const ctx = new BuildContext();
  try {
    for (const file of rootfsFiles())
      ctx.file(file, join('rootfs', file === process.execPath ? '/usr/bin/node' : file));
    ctx.text(
      'rootfs/etc/passwd',
      'root:x:0:0:root:/root:/sbin/nologin\nnode:x:1000:1000:node:/home/node:/sbin/nologin\n',
    );
    ctx.text('rootfs/etc/group', 'root:x:0:\nnode:x:1000:\n');
    ctx.text('rootfs/etc/nsswitch.conf', 'hosts: files dns\n');
    mkdirSync(join(ctx.dir, 'rootfs/tmp'), { recursive: true });
    chmodSync(join(ctx.dir, 'rootfs/tmp'), 0o1777);
    ctx.emptyFolder('rootfs/home/node');
    await buildImage(docker, ctx, {
      tag: ref,
      dockerfile: BASE_DOCKERFILE,
      labels: BASE_LABELS,
    });
  } finally {
    ctx.dispose();
  }
}
