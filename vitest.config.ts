import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Hang guards, not speed checks: a test that spawns a CLI through tsx, starts Chromium or a media worker takes a
    // few seconds on a quiet machine and several times that when CI shares its 2 cores with other work. Speed is
    // measured in the benchmarks (docs/BENCHMARKS.md), never by these limits.
    testTimeout: 120_000,
    hookTimeout: 180_000,
    // expect.poll waits for a condition; its 1 s default is a wall-clock margin a busy machine eats (a browser's next
    // paint, a recorder's first segment). 30 s is a hang guard like the ones above; a poll that needs less stays fast.
    expect: { poll: { timeout: 30_000 } },
    // Browser and database suites start real servers; two workers match the two cores here.
    pool: 'forks',
    maxWorkers: 2,
    reporters: ['default'],
  },
});
