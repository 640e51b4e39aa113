import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** How the stand-in k6 behaves on `k6 run`. */
export interface FakeK6Config {
  /** Copy this recorded k6 JSON output. */
  sample?: string;
  /** Otherwise write records for the first `send` planned requests of the data file. */
  send?: number;
  dropped?: number;
  exitCode?: number;
  stderr?: string;
  /** Run until SIGINT, then write the output and exit 105 (k6's "external abort"). */
  hang?: boolean;
}

/** Installs the stand-in `k6` (fixtures/fake-k6.mjs) in `dir/bin`; returns the bin folder and helpers. */
export function installFakeK6(dir: string, config: FakeK6Config) {
  const bin = join(dir, 'bin');
  mkdirSync(bin, { recursive: true });
  copyFileSync(join(import.meta.dirname, 'fixtures/fake-k6.mjs'), join(bin, 'fake-k6.mjs'));
  writeFileSync(
    join(bin, 'k6'),
    `#!/bin/sh\nexec "${process.execPath}" "$(dirname "$0")/fake-k6.mjs" "$@"\n`,
  );
  chmodSync(join(bin, 'k6'), 0o755);
  const configure = (c: FakeK6Config) => writeFileSync(join(bin, 'fake-k6.json'), JSON.stringify(c));
  configure(config);
  return {
    bin,
    k6: join(bin, 'k6'),
    configure,
    /** Whether a hanging run is up and listening for SIGINT. */
    running: () => existsSync(join(bin, 'running')),
    /** Arguments of every invocation so far. */
    calls: (): string[][] => {
      try {
        return readFileSync(join(bin, 'args.jsonl'), 'utf8')
          .trim()
          .split('\n')
          .filter(Boolean)
          .map((l) => JSON.parse(l) as string[]);
      } catch {
        return [];
      }
    },
  };
}
