import type { Platform } from '../platform/platform.js';

/** Disposes the platform, or fails once `ms` (default 60 s) have passed: the exit hooks are the last resort then. */
export async function tearDown(platform: Platform, ms = 60_000): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${platform.name} did not finish within ${ms / 1000} s`)), ms);
  });
  try {
    await Promise.race([platform.dispose(), late]);
  } finally {
    clearTimeout(timer);
  }
}
