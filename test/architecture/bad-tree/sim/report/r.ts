// A known-bad import for test/architecture/boundaries.test.ts: the rules must catch it.
import { platform } from '../platform/p.js';

export const report = platform;
