import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Live tests start real processes and measure latency: one file at a time keeps them honest on 2 cores.
    fileParallelism: false,
    reporters: ['default'],
  },
});
