import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Hang guards, not speed checks: a test that spawns a CLI through tsx, starts Chromium or a media worker takes a
    // few seconds on a quiet machine and several times that when CI shares its 2 cores with other work. Speed is
    // measured in the benchmarks (docs/BENCHMARKS.md), never by these limits.
    testTimeout: 120_000,
    hookTimeout: 180_000,
    // Browser and database suites start real servers; two workers match the two cores here.
    pool: 'forks',
    maxWorkers: 2,
    reporters: ['default'],
  },
});
