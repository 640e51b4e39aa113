// A known-bad import for test/architecture/boundaries.test.ts: the rules must catch it.
import { traffic } from '../traffic/t.js';

export const helper = traffic;
