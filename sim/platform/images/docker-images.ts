import type Docker from 'dockerode';
import { ExitCode, messageOf, RehearsalError } from '../../util/errors.js';
import type { BuildContext } from './build-context.js';

/**
 * Label on the images this tool builds (value: node-base, judge-service or router). Distinct from OWNER_LABEL because
 * containers inherit image labels: a container someone else starts from our image is not ours to remove.
 */
export const IMAGE_LABEL = 'rehearsal.image';

/** Whether an image with this reference exists in the engine. */
export async function hasImage(docker: Docker, ref: string): Promise<boolean> {
  try {
    await docker.getImage(ref).inspect();
    return true;
  } catch {
    return false;
  }
}

type ProgressEvent = { stream?: string; status?: string; error?: string; errorDetail?: { message?: string } };

/** Reads a build or pull progress stream to its end; rejects with the engine's own error and the last lines it printed. */
export function followProgress(docker: Docker, stream: NodeJS.ReadableStream, what: string): Promise<void> {
  const tail: string[] = [];
  return new Promise((resolve, reject) => {
    let failure: string | undefined;
    docker.modem.followProgress(
      stream,
      (err: Error | null) => {
        if (err || failure)
          reject(
            new Error(
              `${what} failed: ${failure ?? messageOf(err)}${tail.length ? `; last output: ${tail.join(' | ')}` : ''}`,
            ),
          );
        else resolve();
      },
      (event: ProgressEvent) => {
        if (event.error) failure = (event.errorDetail?.message ?? event.error).trim();
        const line = (event.stream ?? event.status ?? '').trim();
        if (line) {
          tail.push(line);
          if (tail.length > 6) tail.shift();
        }
      },
    );
  });
}

/** Options of {@link buildImage}. */
export interface BuildOptions {
  tag: string;
  /** Path of the Dockerfile, copied into the context as `Dockerfile`. */
  dockerfile: string;
  buildargs?: Record<string, string>;
  labels?: Record<string, string>;
}

/** Builds `ctx` into `opts.tag` through the engine's build API (the context is sent as a tar). */
export async function buildImage(docker: Docker, ctx: BuildContext, opts: BuildOptions): Promise<void> {
  ctx.file(opts.dockerfile, 'Dockerfile');
  try {
    const stream = await docker.buildImage(
      { context: ctx.dir, src: ctx.entries() },
      { t: opts.tag, buildargs: opts.buildargs ?? {}, labels: opts.labels ?? {}, rm: true, forcerm: true },
    );
    await followProgress(docker, stream, `docker build ${opts.tag}`);
  } catch (error) {
    throw new RehearsalError(
      `could not build image ${opts.tag}: ${messageOf(error)}`,
      `check ${opts.dockerfile} and \`docker info\``,
      ExitCode.platformUnavailable,
      {
        cause: error,
      },
    );
  }
}

/** Pulls `ref`, giving up after `timeoutMs`; resolves to the reason on failure instead of throwing. */
export async function tryPull(docker: Docker, ref: string, timeoutMs = 60_000): Promise<string | undefined> {
  const abort = AbortSignal.timeout(timeoutMs);
  try {
    const stream = await docker.pull(ref, { abortSignal: abort });
    await followProgress(docker, stream, `docker pull ${ref}`);
    return undefined;
  } catch (error) {
    return messageOf(error).trim();
  }
}
