// A known-bad import for test/architecture/boundaries.test.ts: the rules must catch it.
export { platform } from '../platform/p.js';
export { traffic } from '../traffic/t.js';
