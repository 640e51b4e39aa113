// Preloaded with `node --import` by light-commands.test.ts: writes every module the process loads to the file
// named by RECORD_LOADS, one per line: ES modules as the resolve hook sees them (its own thread), CommonJS ones
// (dockerode is one) from require's cache at exit.
import { appendFileSync } from 'node:fs';
import { createRequire, register } from 'node:module';

const file = process.env.RECORD_LOADS;
if (file) {
  register('./record-loads-hooks.mjs', import.meta.url, { data: { file } });
  const cache = createRequire(import.meta.url).cache;
  process.on('exit', () => {
    const lines = Object.keys(cache).map((p) => `cjs ${p}\n`);
    appendFileSync(file, lines.join(''));
  });
}
