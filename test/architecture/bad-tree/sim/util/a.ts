// A known-bad import for test/architecture/boundaries.test.ts: the rules must catch it.
import type { B } from './b.js';

export type A = { b?: B };
