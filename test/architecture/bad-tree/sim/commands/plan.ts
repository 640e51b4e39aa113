// A known-bad import for test/architecture/boundaries.test.ts: the rules must catch it.
export { load } from '../platform/index.js';
