import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Browser and database suites start real servers; two workers match the two cores here.
    pool: 'forks',
    maxWorkers: 2,
    reporters: ['default'],
  },
});
