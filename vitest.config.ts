import { defineConfig } from 'vitest/config';

// Two cores: two forks. Each test file opens its own database (an in-memory PGlite, or its own
// PostgreSQL schema when DATABASE_URL is set), and each test makes its own merchant.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
    testTimeout: 30_000,
    hookTimeout: 120_000,
    // The watchdog names a test file that runs far too long, and fails the run rather than hang CI.
    reporters: ['default', './test/helpers/watchdog-reporter.ts'],
  },
});
