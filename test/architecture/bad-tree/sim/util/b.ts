// A known-bad import for test/architecture/boundaries.test.ts: the rules must catch it.
import type { A } from './a.js';

export type B = { a?: A };
