// A known-bad import for test/architecture/boundaries.test.ts: the rules must catch it.
export const load = () => import('./docker/d.js');
