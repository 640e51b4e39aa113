import type { Instance } from '../platform/platform.js';
import { ExitCode, messageOf, RehearsalError } from '../util/errors.js';

/** Sets behaviour toggles on one judge service instance through its admin API. */
export async function putToggles(
  instance: Instance,
  token: string,
  toggles: Record<string, unknown>,
): Promise<void> {
  const res = await fetch(`${instance.url}/admin/toggles`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(toggles),
    signal: AbortSignal.timeout(5000),
  }).catch((error: unknown) => {
    throw new RehearsalError(
      `could not reach ${instance.id} admin API: ${messageOf(error)}`,
      'is the instance running?',
      ExitCode.rehearsalFailed,
      { cause: error },
    );
  });
  if (!res.ok) {
    throw new RehearsalError(
      `${instance.id} refused toggles: HTTP ${res.status} ${await res.text()}`,
      'check the admin token and the toggle names',
    );
  }
  await res.arrayBuffer();
}

/** Reads the current behaviour toggles of one instance. */
export async function getToggles(instance: Instance, token: string): Promise<Record<string, unknown>> {
  const res = await fetch(`${instance.url}/admin/toggles`, {
    headers: { authorization: `Bearer ${token}` },
    signal: AbortSignal.timeout(5000),
  });
  if (!res.ok)
    throw new RehearsalError(`${instance.id} toggles: HTTP ${res.status}`, 'check the admin token');
  const body = (await res.json()) as { toggles?: Record<string, unknown> };
  return body.toggles ?? {};
}
