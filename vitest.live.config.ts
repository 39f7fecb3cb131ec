import { defineConfig } from 'vitest/config';

// The live suite talks to a real osTicket; see test/live/README.md.
export default defineConfig({
  test: {
    include: ['test/live/**/*.test.ts'],
    testTimeout: 300_000,
    hookTimeout: 300_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
