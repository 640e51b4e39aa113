/**
 * The judge service's behaviour toggles (`fixtures/judge-service/src/toggles.ts`), copied so that the
 * scenario module does not load the system under test; test/scenario/toggle-names.test.ts keeps them equal.
 */
export const judgeToggleNames = [
  'errorRate',
  'extraLatencyMs',
  'tailLatency',
  'wrongVerdictRate',
  'wrongVerdictProblems',
  'crashAtStart',
  'crashAfterRequests',
  'hang',
  'leakMbPerSecond',
  'cpuBurnShare',
  'readinessFailing',
  'slowLeaderboardMs',
  'schemaVersion',
  'storeSlowMs',
  'storeLocked',
  'storeUnavailable',
] as const;
