import { accessSync, constants, statfsSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { ExitCode, RehearsalError } from '../util/errors.js';

/** File systems that look like folders but hold kernel objects: writing there hangs or fails oddly. */
const PSEUDO_FILE_SYSTEMS: Record<number, string> = {
  40864: 'proc',
  1650812274: 'sysfs',
  7377: 'devpts',
  1684170528: 'debugfs',
  1935894131: 'securityfs',
  1667723888: 'cgroup2',
  2613483: 'cgroup',
  1953653091: 'tracefs',
  3405662737: 'bpf',
};

/**
 * Checks, before anything is written and without waiting on the file system, that `dir` can take
 * output: it is a folder or can be created (its nearest existing parent is a writable folder), and is
 * not on a kernel pseudo file system such as /proc. Throws a usage error (exit 2) with a hint.
 */
export function checkOutputDir(dir: string, flag: string): void {
  const fail = (why: string, hint = `choose a writable folder with ${flag} DIR`) => {
    throw new RehearsalError(`${flag} ${dir}: ${why}`, hint, ExitCode.invalidScenario);
  };
  let existing = dir;
  for (;;) {
    try {
      if (!statSync(existing).isDirectory())
        fail(existing === dir ? 'is not a folder' : `${existing} is not a folder, so ${dir} cannot be made`);
      break;
    } catch (error) {
      if (error instanceof RehearsalError) throw error;
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ELOOP') fail(`symlink loop at ${existing}`);
      if (code !== 'ENOENT' && code !== 'ENOTDIR') fail(`cannot be used (${(error as Error).message})`);
      const parent = dirname(existing);
      if (parent === existing) fail('no part of the path exists');
      existing = parent;
    }
  }
  const fs = PSEUDO_FILE_SYSTEMS[Number(statfsSync(existing).type)];
  if (fs) fail(`${existing} is on the kernel's ${fs} file system, not a place for files`);
  try {
    accessSync(existing, constants.W_OK | constants.X_OK);
  } catch (error) {
    fail(`${existing} is not writable (${(error as NodeJS.ErrnoException).code})`);
  }
}
