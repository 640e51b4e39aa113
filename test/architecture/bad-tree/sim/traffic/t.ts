// A known-bad import for test/architecture/boundaries.test.ts: the rules must catch it.
export const traffic = 1;
