// A known-bad import for test/architecture/boundaries.test.ts: the rules must catch it.
export { engine } from '../engine/e.js';
export { platform } from '../platform/p.js';
export { report } from '../report/r.js';
