// The resolve hook of record-loads.mjs: appends each resolved ES module URL to the record file.
import { appendFileSync } from 'node:fs';

let file;

export function initialize(data) {
  file = data.file;
}

export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  appendFileSync(file, `esm ${resolved.url}\n`);
  return resolved;
}
