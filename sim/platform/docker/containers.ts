import { writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import type Docker from 'dockerode';
import { messageOf, RehearsalError } from '../../util/errors.js';

/** Port bindings publishing each container port on the paired 127.0.0.1 host port (never on other interfaces). */
export function loopbackBindings(ports: Record<number, number>): {
  ExposedPorts: Record<string, object>;
  PortBindings: Record<string, { HostIp: string; HostPort: string }[]>;
} {
  const ExposedPorts: Record<string, object> = {};
  const PortBindings: Record<string, { HostIp: string; HostPort: string }[]> = {};
  for (const [inside, host] of Object.entries(ports)) {
    ExposedPorts[`${inside}/tcp`] = {};
    PortBindings[`${inside}/tcp`] = [{ HostIp: '127.0.0.1', HostPort: String(host) }];
  }
  return { ExposedPorts, PortBindings };
}

/** The last `lines` lines of a container's output (stdout and stderr, demultiplexed). */
export async function containerLogs(container: Docker.Container, lines?: number): Promise<string> {
  const raw = (await container.logs({
    stdout: true,
    stderr: true,
    follow: false,
    ...(lines ? { tail: lines } : {}),
  })) as unknown as Buffer;
  const out: Buffer[] = [];
  let at = 0;
  while (at + 8 <= raw.length) {
    const size = raw.readUInt32BE(at + 4);
    out.push(raw.subarray(at + 8, at + 8 + size));
    at += 8 + size;
  }
  return Buffer.concat(out).toString('utf8');
}

/** Saves a container's whole output to `file`; best effort (the container may already be gone). */
export async function saveLogs(container: Docker.Container, file: string): Promise<void> {
  try {
    writeFileSync(file, await containerLogs(container));
  } catch {
    // nothing to save
  }
}

/**
 * Polls `url` from the harness until it answers 2xx, checking that the container still runs: a container that
 * exits fails at once with its last output. Needs nothing inside the image (no shell, no curl).
 */
export async function waitContainerReady(
  container: Docker.Container,
  url: string,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer';
  for (let round = 0; Date.now() < deadline; round++) {
    signal?.throwIfAborted();
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(1000) });
      await res.arrayBuffer();
      if (res.ok) return;
      last = `HTTP ${res.status}`;
    } catch (error) {
      last = messageOf(error);
    }
    if (round % 5 === 4) {
      const state = (await container.inspect()).State;
      if (!state.Running) {
        const logs = await containerLogs(container, 8).catch(() => '');
        throw new RehearsalError(
          `container ${container.id.slice(0, 12)} exited during start-up (code ${state.ExitCode})`,
          `its last output: ${logs.trim() || '(none)'}`,
        );
      }
    }
    await sleep(100);
  }
  const logs = await containerLogs(container, 8).catch(() => '');
  throw new RehearsalError(
    `${url} not ready within ${timeoutMs} ms (last: ${last})`,
    `container output: ${logs.trim() || '(none)'}`,
  );
}
